import { Button, Group, NativeSelect, NumberInput, Paper, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { CreatedToken, Role } from '../api/types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import { FormError } from './FormError.tsx';

export function CreateTokenForm({ onCreated }: { onCreated: (created: CreatedToken) => void }) {
  const api = useApi();
  const [name, setName] = useState('');
  const { can } = useSession();
  const roles = (['viewer', 'operator', 'admin'] as const).filter((r) => can(r));
  const [role, setRole] = useState<Role>(roles.at(-1) ?? 'viewer');
  const [days, setDays] = useState<number | string>(90);
  const { busy, error, submit, fieldErrors } = useFormSubmit(async () => {
    const expiresInDays = typeof days === 'number' ? days : undefined;
    onCreated(await api.createToken({ name: name.trim(), role, ...(expiresInDays && { expiresInDays }) }));
    setName('');
  });

  return (
    <Paper withBorder p="md" mb="lg" component="form" onSubmit={submit} aria-label="Create token">
      <FormError error={error} fields={['name', 'expiresInDays', 'role']} title="Not created" />
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Name"
          description="What it is for, e.g. ci-deploy"
          required
          style={{ flex: '1 1 220px' }}
          value={name}
          error={fieldErrors.name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <NativeSelect
          label="Role"
          description="At most yours"
          data={[...roles]}
          value={role}
          style={{ flex: '0 1 150px' }}
          error={fieldErrors.role}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
        />
        <NumberInput
          label="Expires in (days)"
          description="At most 365; empty: 90"
          min={1}
          max={365}
          allowDecimal={false}
          style={{ flex: '0 1 180px' }}
          value={days}
          error={fieldErrors.expiresInDays}
          onChange={setDays}
        />
        <Button type="submit" loading={busy}>
          Create token
        </Button>
      </Group>
    </Paper>
  );
}
