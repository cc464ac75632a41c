/** Add or edit a host. Edit sends only the fields that changed. */

import {
  Anchor,
  Group,
  Modal,
  MultiSelect,
  NativeSelect,
  NumberInput,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { Project } from '../api/project-types.ts';
import type { Credential, Host } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import {
  createBody,
  defaultPort,
  EMPTY_HOST,
  type HostValues,
  parseLabels,
  updateBody,
  valuesOf,
  withOs,
} from '../lib/host-form.ts';
import { FormActions } from './FormActions.tsx';
import { FormError } from './FormError.tsx';
import { HostPlatformFields } from './HostPlatformFields.tsx';
import { ProjectField } from './ProjectSelect.tsx';
import { WinrmFields } from './WinrmFields.tsx';

/** Fields shown next to an input, so their errors appear there. */
const FIELDS = [
  'name',
  'address',
  'port',
  'os',
  'transport',
  'shell',
  'username',
  'credentialId',
  'jumpHost',
  'winrm.https',
  'winrm.auth',
  'winrm.allowUnencrypted',
  'winrm.caCert',
  'winrm.skipVerify',
  'tags',
  'labels',
  'pool',
  'groups',
];

export function HostFormModal({
  opened,
  host,
  credentials,
  hosts,
  projects = [],
  onClose,
  onSaved,
}: {
  opened: boolean;
  /** The host to edit; null to add one. */
  host: Host | null;
  credentials: readonly Credential[];
  /** The inventory, for the jump host choice. */
  hosts: readonly Host[];
  /** The caller's projects: a new host goes into one (its credentials must be of it). */
  projects?: readonly Project[];
  onClose: () => void;
  onSaved: (host: Host) => void;
}) {
  const api = useApi();
  const [values, setValues] = useState<HostValues>(EMPTY_HOST);
  const [groupNames, setGroupNames] = useState<string[]>([]);
  const [projectId, setProjectId] = useState<string | null>(null);
  const usable = projectId ? credentials.filter((c) => c.projectId === projectId) : credentials;

  const set =
    <K extends keyof HostValues>(key: K) =>
    (value: HostValues[K]) =>
      setValues((v) => ({ ...v, [key]: value }));
  const labelError = parseLabels(values.labels).error;
  const { busy, error, setError, submit, fieldErrors } = useFormSubmit(async () => {
    if (labelError) throw new Error(`Labels: ${labelError}`);
    let saved: Host;
    if (host) {
      const changed = updateBody(host, values);
      saved = Object.keys(changed).length ? await api.updateHost(host.id, changed) : host;
    } else {
      saved = await api.createHost({ ...createBody(values), ...(projectId && { projectId }) });
    }
    onSaved(saved);
    onClose();
  });

  // The server judges OS, transport and WinRM options together; a change may answer its objection.
  const setConnection = (change: (v: HostValues) => HostValues) => {
    setValues(change);
    setError(null);
  };

  useEffect(() => {
    if (!opened) return;
    setValues(valuesOf(host));
    setProjectId(null);
    setError(null);
    // Groups may have been created since; the list only offers names.
    api.listGroups().then(
      (gs) => setGroupNames(gs.map((g) => g.name)),
      () => setGroupNames([]),
    );
  }, [opened, host, setError, api]);

  const winrm = values.transport === 'winrm';
  const port = defaultPort(values.transport, winrm && values.winrm.https);
  return (
    <Modal opened={opened} onClose={onClose} title={host ? `Edit ${host.name}` : 'Add host'} centered>
      <form onSubmit={submit} aria-label={host ? 'Edit host' : 'Add host'}>
        <Stack gap="sm">
          <FormError error={error} fields={FIELDS} />
          {!host && <ProjectField projects={projects} value={projectId} onChange={setProjectId} />}
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
          <HostPlatformFields
            os={values.os}
            transport={values.transport}
            shell={values.shell}
            errors={fieldErrors}
            onOs={(os) => setConnection((v) => withOs(v, os))}
            onTransport={(transport) => setConnection((v) => ({ ...v, transport }))}
            onShell={(shell) => setConnection((v) => ({ ...v, shell }))}
          />
          <Group align="flex-start" wrap="nowrap">
            <TextInput
              label="Address"
              data-testid="host-address"
              placeholder={
                values.os === 'windows' ? '10.0.0.7 or win-1.corp.example' : '10.0.0.5 or web-1.example.com'
              }
              required
              style={{ flex: 1 }}
              value={values.address}
              error={fieldErrors.address}
              onChange={(e) => set('address')(e.currentTarget.value)}
            />
            <NumberInput
              label="Port"
              data-testid="host-port"
              placeholder={String(port)}
              min={1}
              max={65535}
              allowDecimal={false}
              allowNegative={false}
              hideControls
              w={110}
              value={values.port}
              error={fieldErrors.port}
              onChange={set('port')}
            />
          </Group>
          {winrm && (
            <WinrmFields
              value={values.winrm}
              errors={fieldErrors}
              onChange={(w) => setConnection((v) => ({ ...v, winrm: w }))}
            />
          )}
          <TextInput
            label="Username"
            data-testid="host-username"
            description={
              winrm
                ? 'The account orca logs in as: DOMAIN\\user, user@domain, or user for a local account'
                : 'The account orca logs in as'
            }
            placeholder={winrm ? 'CORP\\deploy' : undefined}
            autoCapitalize="none"
            spellCheck={false}
            required
            value={values.username}
            error={fieldErrors.username}
            onChange={(e) => set('username')(e.currentTarget.value)}
          />
          <CredentialSelect
            credentials={usable}
            value={values.credentialId}
            passwordOnly={winrm}
            error={fieldErrors.credentialId}
            onChange={set('credentialId')}
          />
          <NativeSelect
            label="Jump host"
            data-testid="host-jump"
            description="Connect through this SSH bastion (ProxyJump); it logs in with its own credential and has its own host key checked"
            value={values.jumpHost}
            error={fieldErrors.jumpHost}
            onChange={(e) => set('jumpHost')(e.currentTarget.value)}
            data={[
              { value: '', label: 'None (connect directly)' },
              ...hosts
                .filter((h) => h.transport === 'ssh' && h.id !== host?.id)
                .map((h) => ({ value: h.name, label: h.name })),
            ]}
          />
          {!winrm && (
            <NativeSelect
              label="Sudo password"
              data-testid="host-become"
              description="For become steps: the password credential sudo gets; none: the login password, if it is one"
              value={values.becomeCredentialId}
              error={fieldErrors.becomeCredentialId}
              onChange={(e) => set('becomeCredentialId')(e.currentTarget.value)}
              data={[
                { value: '', label: 'The login password (or passwordless sudo)' },
                ...credentials
                  .filter((c) => c.kind === 'password')
                  .map((c) => ({ value: c.id, label: c.name })),
              ]}
            />
          )}
          <TagsInput
            label="Tags"
            data-testid="host-tags"
            description="Words selectors pick hosts by (tag:web); letters, digits, _ . : -; Enter after each"
            value={values.tags}
            error={fieldErrors.tags}
            onChange={set('tags')}
            clearable
          />
          <Textarea
            label="Labels"
            data-testid="host-labels"
            description="key=value, one a line (env=prod); selectors match them as env=prod"
            autosize
            minRows={2}
            spellCheck={false}
            autoCapitalize="none"
            ff="monospace"
            value={values.labels}
            error={labelError ?? fieldErrors.labels}
            onChange={(e) => set('labels')(e.currentTarget.value)}
          />
          <TextInput
            label="Worker pool"
            data-testid="host-pool"
            description="key=value (zone=dmz): only workers started with --tags zone=dmz run this host; empty: any worker"
            placeholder="any worker"
            spellCheck={false}
            autoCapitalize="none"
            ff="monospace"
            value={values.pool}
            error={fieldErrors.pool}
            onChange={(e) => set('pool')(e.currentTarget.value)}
          />
          <MultiSelect
            label="Groups"
            data-testid="host-groups"
            description="The groups the host is directly in; groups are made on the Groups page"
            data={[...new Set([...groupNames, ...values.groups])]}
            value={values.groups}
            error={fieldErrors.groups}
            onChange={set('groups')}
            searchable
            clearable
            nothingFoundMessage="No group by that name"
            comboboxProps={{ keepMounted: false }}
          />
          <FormActions busy={busy} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}

/** WinRM logs in with a password, so SSH keys are offered only to SSH hosts. */
function CredentialSelect({
  credentials,
  value,
  passwordOnly,
  error,
  onChange,
}: {
  credentials: readonly Credential[];
  value: string;
  passwordOnly: boolean;
  error: string | undefined;
  onChange: (id: string) => void;
}) {
  const chosen = credentials.find((c) => c.id === value);
  const keyForWinrm = passwordOnly && chosen?.kind === 'ssh-key';
  return (
    <>
      <NativeSelect
        label="Credential"
        data-testid="host-credential"
        description={passwordOnly ? 'WinRM logs in with a password credential' : undefined}
        required
        value={value}
        error={error ?? (keyForWinrm ? 'WinRM needs a password; choose a password credential' : undefined)}
        onChange={(e) => onChange(e.currentTarget.value)}
        data={[
          { value: '', label: 'Choose a credential…', disabled: true },
          ...credentials.map((c) => ({
            value: c.id,
            label:
              c.kind === 'password'
                ? `${c.name} (password)`
                : `${c.name} (SSH key${passwordOnly ? ', not for WinRM' : ''})`,
            disabled: passwordOnly && c.kind === 'ssh-key' && c.id !== value,
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
    </>
  );
}
