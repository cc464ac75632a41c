/** Add a credential, or rename one / replace its secret. Secrets are write-only: never shown. */

import {
  Button,
  FileButton,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Project } from '../api/project-types.ts';
import type { CreateCredential, Credential, CredentialKind, UpdateCredential } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import { FormActions } from './FormActions.tsx';
import { FormError } from './FormError.tsx';
import { ProjectField } from './ProjectSelect.tsx';
import { SecretInput } from './SecretInput.tsx';

const FIELDS = ['name', 'kind', 'password', 'privateKey', 'passphrase'];

export function CredentialFormModal({
  opened,
  credential,
  projects = [],
  onClose,
  onSaved,
}: {
  opened: boolean;
  /** The credential to change; null to add one. */
  credential: Credential | null;
  /** The caller's projects: a new credential goes into one. */
  projects?: readonly Project[];
  onClose: () => void;
  onSaved: (credential: Credential) => void;
}) {
  const api = useApi();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<CredentialKind>('password');
  const [password, setPassword] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [forward, setForward] = useState(false);
  const [projectId, setProjectId] = useState<string | null>(null);
  const editing = credential !== null;

  const { busy, error, setError, submit, fieldErrors } = useFormSubmit(async () => {
    let saved: Credential;
    if (credential) {
      const patch: UpdateCredential = {
        ...(name.trim() !== credential.name && { name: name.trim() }),
        ...(kind === 'password' && password && { password }),
        ...(kind === 'ssh-key' && privateKey.trim() && { privateKey, ...(passphrase && { passphrase }) }),
        ...(kind === 'ssh-agent' && { forward }),
      };
      saved = Object.keys(patch).length ? await api.updateCredential(credential.id, patch) : credential;
    } else {
      const body: CreateCredential =
        kind === 'password'
          ? { name: name.trim(), kind, password }
          : kind === 'ssh-agent'
            ? { name: name.trim(), kind, forward }
            : { name: name.trim(), kind, privateKey, ...(passphrase && { passphrase }) };
      saved = await api.createCredential({ ...body, ...(projectId && { projectId }) });
    }
    onSaved(saved);
    onClose();
  });

  useEffect(() => {
    if (!opened) return;
    setName(credential?.name ?? '');
    setKind(credential?.kind ?? 'password');
    setPassword('');
    setPrivateKey('');
    setPassphrase('');
    setForward(false);
    setProjectId(null);
    setError(null);
  }, [opened, credential, setError]);

  const keep = editing ? 'Leave empty to keep the current one' : undefined;
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={credential ? `Change ${credential.name}` : 'Add credential'}
      centered
      size="lg"
    >
      <form
        onSubmit={submit}
        aria-label={editing ? 'Change credential' : 'Add credential'}
        autoComplete="off"
      >
        <Stack gap="sm">
          <FormError error={error} fields={FIELDS} />
          {!editing && <ProjectField projects={projects} value={projectId} onChange={setProjectId} />}
          <TextInput
            label="Name"
            data-testid="credential-name"
            description="e.g. deploy-key or ops-password"
            required
            data-autofocus
            value={name}
            error={fieldErrors.name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <NativeSelect
            label="Kind"
            data-testid="credential-kind"
            disabled={editing}
            value={kind}
            error={fieldErrors.kind}
            onChange={(e) => setKind(e.currentTarget.value as CredentialKind)}
            data={[
              { value: 'password', label: 'Password' },
              { value: 'ssh-key', label: 'SSH private key' },
              { value: 'ssh-agent', label: "The worker's SSH agent" },
            ]}
          />
          {kind === 'ssh-agent' ? (
            <>
              <Text size="sm" c="dimmed">
                Nothing secret is stored: workers log in with the keys their SSH agent holds (SSH_AUTH_SOCK,
                or ORCA_SSH_AGENT_SOCK, on each worker).
              </Text>
              <Switch
                label="Forward the agent to the host (ssh -A)"
                description="Lets commands on the host use the worker's keys, e.g. for git clone; only on hosts you trust"
                checked={forward}
                onChange={(e) => setForward(e.currentTarget.checked)}
              />
            </>
          ) : kind === 'password' ? (
            <SecretInput
              label="Password"
              data-testid="credential-password"
              description={keep}
              required={!editing}
              autoComplete="new-password"
              value={password}
              error={fieldErrors.password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
          ) : (
            <>
              <Textarea
                label="Private key"
                data-testid="credential-private-key"
                description={keep ?? 'OpenSSH or PEM format; stored encrypted and never shown again'}
                placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                required={!editing}
                autosize
                minRows={5}
                maxRows={12}
                spellCheck={false}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
                value={privateKey}
                error={fieldErrors.privateKey}
                onChange={(e) => setPrivateKey(e.currentTarget.value)}
              />
              <Group justify="flex-end" mt={-4}>
                <FileButton onChange={(file) => void file?.text().then(setPrivateKey)}>
                  {(props) => (
                    <Button {...props} size="compact-xs" variant="subtle">
                      Load from file…
                    </Button>
                  )}
                </FileButton>
              </Group>
              <SecretInput
                label="Passphrase"
                data-testid="credential-passphrase"
                description="Only if the key is encrypted"
                autoComplete="new-password"
                value={passphrase}
                error={fieldErrors.passphrase}
                onChange={(e) => setPassphrase(e.currentTarget.value)}
              />
            </>
          )}
          <FormActions busy={busy} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
