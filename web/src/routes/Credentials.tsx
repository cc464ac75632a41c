import { Badge, Button, Group, Loader, Table, Text, Tooltip } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { Credential } from '../api/types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { CredentialFormModal } from '../components/CredentialFormModal.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProjectFilter, useProjects } from '../components/ProjectSelect.tsx';
import { useResource } from '../hooks/useResource.ts';
import { relativeTime } from '../lib/format.ts';

export function CredentialsPage() {
  const api = useApi();
  const canEdit = useSession().can('operator');
  const credentials = useResource(useCallback(() => api.listCredentials(), [api]));
  const [form, setForm] = useState<{ credential: Credential | null } | null>(null);
  const [deleting, setDeleting] = useState<Credential | null>(null);
  const projects = useProjects();
  const [project, setProject] = useState('');
  const list = (credentials.data ?? []).filter((c) => !project || c.projectId === project);

  return (
    <>
      <PageHeader
        title="Credentials"
        description="Passwords and SSH keys that hosts log in with. Stored encrypted; never shown again."
        actions={
          canEdit && (
            <Button onClick={() => setForm({ credential: null })} data-testid="add-credential">
              Add credential
            </Button>
          )
        }
      />
      <ErrorAlert error={credentials.error} title="Could not load credentials" />
      <ProjectFilter projects={projects} value={project} onChange={setProject} />
      {credentials.loading ? (
        <Loader />
      ) : list.length === 0 && !credentials.error ? (
        <Empty
          title="No credentials yet"
          action={canEdit && <Button onClick={() => setForm({ credential: null })}>Add a credential</Button>}
        >
          Add a password or an SSH private key, then use it for one or more hosts.
        </Empty>
      ) : (
        <Table.ScrollContainer minWidth={680}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="credentials-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Fingerprint</Table.Th>
                <Table.Th>Used by</Table.Th>
                <Table.Th>Updated</Table.Th>
                {canEdit && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((c) => (
                <Table.Tr key={c.id} data-testid={`credential-row-${c.name}`}>
                  <Table.Td fw={600}>{c.name}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={c.kind === 'ssh-key' ? 'teal' : 'gray'}>
                      {c.kind === 'ssh-key' ? 'SSH key' : 'password'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {c.fingerprint ? (
                      <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                        {c.fingerprint}
                      </Text>
                    ) : (
                      <Text size="xs" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {c.hostCount} {c.hostCount === 1 ? 'host' : 'hosts'}
                  </Table.Td>
                  <Table.Td>
                    <Tooltip label={new Date(c.updatedAt).toLocaleString()}>
                      <Text size="sm">
                        {relativeTime(c.updatedAt)}
                        {c.updatedBy && (
                          <Text span size="xs" c="dimmed">
                            {' '}
                            by {c.updatedBy}
                          </Text>
                        )}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  {canEdit && (
                    <Table.Td>
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() => setForm({ credential: c })}
                          aria-label={`Change ${c.name}`}
                        >
                          Change
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setDeleting(c)}
                          aria-label={`Delete ${c.name}`}
                        >
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <CredentialFormModal
        opened={form !== null}
        credential={form?.credential ?? null}
        projects={projects}
        onClose={() => setForm(null)}
        onSaved={() => void credentials.reload()}
      />
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? 'credential'}?`}
        confirmLabel="Delete credential"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.deleteCredential(deleting.id);
          credentials.mutate((all) => all?.filter((c) => c.id !== deleting.id));
        }}
      >
        <Text size="sm">
          The secret is erased. A credential that hosts still use cannot be deleted: point those hosts at
          another credential first.
        </Text>
      </ConfirmDialog>
    </>
  );
}
