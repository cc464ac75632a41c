/** The new-user form, and the generated password shown once. */
import {
  Alert,
  Button,
  Code,
  Group,
  Modal,
  NativeSelect,
  PasswordInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import type { Role } from '../api/types.ts';
import type { UserWithPassword } from '../api/user-types.ts';
import { useApi } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import { PASSWORD_MIN_LENGTH } from './ChangePasswordModal.tsx';
import { FormError } from './FormError.tsx';

export function CreateUserModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (r: UserWithPassword) => void;
}) {
  const api = useApi();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const { busy, error, setError, submit, fieldErrors } = useFormSubmit(async () => {
    const r = await api.createUser({ username: username.trim(), role, ...(password && { password }) });
    setUsername('');
    setPassword('');
    onCreated(r);
  });
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="New user" centered>
      <Stack component="form" onSubmit={submit} aria-label="New user">
        <FormError error={error} fields={['username', 'role', 'password']} title="Not created" />
        <TextInput
          label="User name"
          required
          value={username}
          error={fieldErrors.username}
          onChange={(e) => setUsername(e.currentTarget.value)}
        />
        <NativeSelect
          label="Role"
          description="viewer: reads; operator: runs and edits; admin: also users, audit"
          data={['viewer', 'operator', 'admin']}
          value={role}
          error={fieldErrors.role}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
        />
        <PasswordInput
          label="Password"
          description={`Empty: one is generated and shown once. At least ${PASSWORD_MIN_LENGTH} characters.`}
          autoComplete="new-password"
          value={password}
          error={fieldErrors.password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Create user
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function NewPasswordModal({
  shown,
  onClose,
}: {
  shown: UserWithPassword | null;
  onClose: () => void;
}) {
  return (
    <Modal opened={shown !== null} onClose={onClose} title="Password" centered>
      {shown && (
        <Stack>
          <Alert color="yellow" variant="light">
            The password of {shown.user.username}, shown this one time. Give it to them over a safe channel;
            they can change it under their user menu.
          </Alert>
          <Code block className="orca-secret" data-testid="generated-password">
            {shown.password}
          </Code>
          <Text size="sm" c="dimmed">
            Orca stores only an argon2id hash of it.
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
