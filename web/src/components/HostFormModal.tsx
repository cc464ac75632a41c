/** Add or edit a host. Edit sends only the fields that changed. */
import { Anchor, Group, Modal, NativeSelect, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { CreateHost, Credential, Host } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import { FormActions } from './FormActions.tsx';
import { FormError } from './FormError.tsx';

interface Values {
  name: string;
  address: string;
  port: number | string;
  username: string;
  credentialId: string;
}

const FIELDS = ['name', 'address', 'port', 'username', 'credentialId'];

const empty: Values = { name: '', address: '', port: 22, username: '', credentialId: '' };

function valuesOf(host: Host | null): Values {
  if (!host) return empty;
  return {
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.username,
    credentialId: host.credentialId ?? '',
  };
}

export function HostFormModal({
  opened,
  host,
  credentials,
  onClose,
  onSaved,
}: {
  opened: boolean;
  /** The host to edit; null to add one. */
  host: Host | null;
  credentials: readonly Credential[];
  onClose: () => void;
  onSaved: (host: Host) => void;
}) {
  const api = useApi();
  const [values, setValues] = useState<Values>(empty);

  const set =
    <K extends keyof Values>(key: K) =>
    (value: Values[K]) =>
      setValues((v) => ({ ...v, [key]: value }));
  const { busy, error, setError, submit, fieldErrors } = useFormSubmit(async () => {
    const port = typeof values.port === 'number' ? values.port : Number.parseInt(values.port, 10) || 22;
    const body: CreateHost = {
      name: values.name.trim(),
      address: values.address.trim(),
      port,
      username: values.username.trim(),
      credentialId: values.credentialId,
    };
    let saved: Host;
    if (host) {
      const before = valuesOf(host);
      const changed = Object.fromEntries(
        Object.entries(body).filter(([k, v]) => v !== before[k as keyof Values]),
      ) as Partial<CreateHost>;
      saved = Object.keys(changed).length ? await api.updateHost(host.id, changed) : host;
    } else {
      saved = await api.createHost(body);
    }
    onSaved(saved);
    onClose();
  });

  useEffect(() => {
    if (!opened) return;
    setValues(valuesOf(host));
    setError(null);
  }, [opened, host, setError]);

  return (
    <Modal opened={opened} onClose={onClose} title={host ? `Edit ${host.name}` : 'Add host'} centered>
      <form onSubmit={submit} aria-label={host ? 'Edit host' : 'Add host'}>
        <Stack gap="sm">
          <FormError error={error} fields={FIELDS} />
          <TextInput
            label="Name"
            data-testid="host-name"
            description="How runs and the CLI refer to it: letters, digits, . _ @ -, e.g. web-1"
            required
            data-autofocus
            value={values.name}
            error={fieldErrors.name}
            onChange={(e) => set('name')(e.currentTarget.value)}
          />
          <Group grow align="flex-start" wrap="nowrap">
            <TextInput
              label="Address"
              data-testid="host-address"
              placeholder="10.0.0.5 or web-1.example.com"
              required
              style={{ flexGrow: 3 }}
              value={values.address}
              error={fieldErrors.address}
              onChange={(e) => set('address')(e.currentTarget.value)}
            />
            <NumberInput
              label="Port"
              data-testid="host-port"
              min={1}
              max={65535}
              allowDecimal={false}
              allowNegative={false}
              hideControls
              style={{ flexGrow: 1, maxWidth: 110 }}
              value={values.port}
              error={fieldErrors.port}
              onChange={set('port')}
            />
          </Group>
          <TextInput
            label="Username"
            data-testid="host-username"
            description="The account orca logs in as"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={values.username}
            error={fieldErrors.username}
            onChange={(e) => set('username')(e.currentTarget.value)}
          />
          <NativeSelect
            label="Credential"
            data-testid="host-credential"
            required
            value={values.credentialId}
            error={fieldErrors.credentialId}
            onChange={(e) => set('credentialId')(e.currentTarget.value)}
            data={[
              { value: '', label: 'Choose a credential…', disabled: true },
              ...credentials.map((c) => ({
                value: c.id,
                label: `${c.name} (${c.kind === 'ssh-key' ? 'SSH key' : 'password'})`,
              })),
            ]}
          />
          {credentials.length === 0 && (
            <Text size="sm" c="dimmed">
              No credentials yet.{' '}
              <Anchor component={Link} to="/credentials">
                Add one first
              </Anchor>
              .
            </Text>
          )}
          <FormActions busy={busy} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
