/**
 * Import hosts and groups from files: ~/.ssh/config (with the files it Includes), an Ansible
 * inventory, CSV or vm-config environments. Preview first — what would be added, changed and left
 * alone, and every line orca did not take — then import.
 */
import {
  Alert,
  Badge,
  Button,
  FileButton,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import {
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportHosts,
  type ImportPlanView,
} from '../api/import-types.ts';
import type { Credential } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { FormError } from './FormError.tsx';

const FORMAT_LABELS: Record<ImportFormat, string> = {
  'ssh-config': 'OpenSSH client config (~/.ssh/config)',
  'ansible-ini': 'Ansible inventory (INI)',
  'ansible-yaml': 'Ansible inventory (YAML)',
  csv: 'CSV with a header row',
  'vm-config': 'vm-config environments (environments/<env>/config.yml)',
};
const ACTION_COLOR = { add: 'green', change: 'blue', unchanged: 'gray' } as const;

type Picked = { name: string; content: string }[];

async function readFiles(files: File[]): Promise<Picked> {
  return Promise.all(
    files.map(async (f) => ({ name: f.webkitRelativePath || f.name, content: await f.text() })),
  );
}

export function HostImportModal({
  opened,
  credentials,
  onClose,
  onImported,
}: {
  opened: boolean;
  credentials: readonly Credential[];
  onClose: () => void;
  onImported: () => void;
}) {
  const api = useApi();
  const [format, setFormat] = useState<ImportFormat>('ssh-config');
  const [files, setFiles] = useState<Picked>([]);
  const [credential, setCredential] = useState('');
  const [user, setUser] = useState('');
  const [plan, setPlan] = useState<ImportPlanView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const body = (apply: boolean): ImportHosts => ({
    format,
    files,
    ...(format === 'ssh-config' && files[0] && { main: files[0].name }),
    ...(credential && { credential }),
    ...(user.trim() && { defaultUser: user.trim() }),
    ...(apply && { apply: true }),
  });
  const send = async (apply: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.importHosts(body(apply));
      setPlan(result);
      if (apply) onImported();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setPlan(null);
    setFiles([]);
    setError(null);
    onClose();
  };
  const changes = plan ? plan.counts.add + plan.counts.change : 0;

  return (
    <Modal opened={opened} onClose={close} title="Import hosts" centered size="xl">
      <Stack gap="sm" data-testid="host-import">
        <FormError error={error} fields={['format', 'files', 'main', 'credential', 'defaultUser']} />
        <NativeSelect
          label="Source"
          data={IMPORT_FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] }))}
          value={format}
          onChange={(e) => {
            setFormat(e.currentTarget.value as ImportFormat);
            setPlan(null);
          }}
        />
        <Group gap="sm">
          <FileButton
            multiple
            onChange={async (picked) => {
              setFiles(await readFiles(picked));
              setPlan(null);
            }}
          >
            {(props) => (
              <Button variant="default" {...props}>
                Choose files
              </Button>
            )}
          </FileButton>
          <Text size="sm" c="dimmed" data-testid="import-files">
            {files.length === 0
              ? format === 'ssh-config'
                ? 'The config first, then the files it Includes'
                : 'No file chosen'
              : files.map((f) => f.name).join(', ')}
          </Text>
        </Group>
        <Group grow>
          <NativeSelect
            label="Credential for new hosts"
            data={[
              { value: '', label: 'Choose…' },
              ...credentials.map((c) => ({ value: c.name, label: c.name })),
            ]}
            value={credential}
            onChange={(e) => setCredential(e.currentTarget.value)}
          />
          <TextInput
            label="User where the source gives none"
            value={user}
            onChange={(e) => setUser(e.currentTarget.value)}
          />
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {plan?.applied ? 'Close' : 'Cancel'}
          </Button>
          <Button
            variant="light"
            disabled={files.length === 0}
            loading={busy && !plan}
            onClick={() => void send(false)}
          >
            Preview
          </Button>
          <Button
            disabled={!plan || plan.applied || changes === 0}
            loading={busy && plan !== null}
            onClick={() => void send(true)}
            data-testid="import-apply"
          >
            Import
          </Button>
        </Group>
        {plan && (
          <Stack gap="xs" data-testid="import-plan">
            <Alert color={plan.applied ? 'green' : 'blue'} variant="light">
              {plan.applied ? 'Imported' : 'Would import'}: {plan.counts.add} to add, {plan.counts.change} to
              change, {plan.counts.unchanged} unchanged
              {plan.counts.problems > 0 && `, ${plan.counts.problems} left out`}.
            </Alert>
            <Table.ScrollContainer minWidth={600} mah={320}>
              <Table verticalSpacing={4} stickyHeader>
                <Table.Tbody>
                  {plan.hosts.map((h) => (
                    <Table.Tr key={h.name} data-testid={`import-host-${h.name}`}>
                      <Table.Td>
                        <Badge variant="light" color={ACTION_COLOR[h.action]}>
                          {h.action}
                        </Badge>
                      </Table.Td>
                      <Table.Td fw={600}>{h.name}</Table.Td>
                      <Table.Td ff="monospace">{h.address}</Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          {h.changes
                            .map((c) => `${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)
                            .join('; ')}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {[
              ...plan.problems.map((n) => ({ ...n, kind: 'left out' })),
              ...plan.notes.map((n) => ({ ...n, kind: 'note' })),
            ].map((n) => (
              <Text
                key={`${n.kind}${n.source}${n.message}`}
                size="xs"
                c={n.kind === 'note' ? 'dimmed' : 'red'}
              >
                {n.kind} · {n.source}: {n.message}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}
