/** Host groups: what each holds, what it is nested in, and forms to create, change and delete them. */
import { Badge, Button, Loader, Group as Row, Table, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { Group } from '../api/types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { GroupFormModal } from '../components/GroupFormModal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useResource } from '../hooks/useResource.ts';

function Chips({ names, color }: { names: readonly string[]; color: string }) {
  if (names.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  }
  return (
    <Row gap={4}>
      {names.map((n) => (
        <Badge key={n} size="sm" variant="light" color={color} tt="none">
          {n}
        </Badge>
      ))}
    </Row>
  );
}

export function GroupsPage() {
  const api = useApi();
  const canEdit = useSession().can('operator');
  const groups = useResource(useCallback(() => api.listGroups(), [api]));
  const hosts = useResource(useCallback(() => api.listHosts(), [api]));
  const [form, setForm] = useState<{ group: Group | null } | null>(null);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const list = groups.data ?? [];
  const add = () => {
    void hosts.reload();
    setForm({ group: null });
  };

  return (
    <>
      <PageHeader
        title="Groups"
        description="Named sets of hosts. Groups nest: a group's hosts include those of the groups inside it."
        actions={
          canEdit && (
            <Button onClick={add} data-testid="add-group">
              New group
            </Button>
          )
        }
      />
      <ErrorAlert error={groups.error} title="Could not load groups" />
      {groups.loading ? (
        <Loader />
      ) : list.length === 0 && !groups.error ? (
        <Empty title="No groups yet" action={canEdit && <Button onClick={add}>Create a group</Button>}>
          Group hosts by site, role or team, nest groups in groups, and pick them in runs with group:NAME.
        </Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" data-testid="groups-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Hosts</Table.Th>
                <Table.Th>Nested groups</Table.Th>
                <Table.Th>Inside</Table.Th>
                {canEdit && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((g) => (
                <Table.Tr key={g.id} data-testid={`group-row-${g.name}`}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {g.name}
                    </Text>
                    {g.description && (
                      <Text size="xs" c="dimmed">
                        {g.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Chips names={g.hosts} color="blue" />
                  </Table.Td>
                  <Table.Td>
                    <Chips names={g.children} color="violet" />
                  </Table.Td>
                  <Table.Td>
                    <Chips names={g.parents} color="gray" />
                  </Table.Td>
                  {canEdit && (
                    <Table.Td>
                      <Row gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="light"
                          onClick={() => {
                            void hosts.reload();
                            setForm({ group: g });
                          }}
                          data-testid={`edit-group-${g.name}`}
                        >
                          Edit
                        </Button>
                        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeleting(g)}>
                          Delete
                        </Button>
                      </Row>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <GroupFormModal
        opened={form !== null}
        group={form?.group ?? null}
        groupNames={list.map((g) => g.name)}
        hostNames={(hosts.data ?? []).map((h) => h.name)}
        onClose={() => setForm(null)}
        onSaved={() => void groups.reload()}
      />
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete group ${deleting?.name ?? ''}?`}
        confirmLabel="Delete group"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.deleteGroup(deleting.id);
          await groups.reload();
        }}
      >
        <Text size="sm">Its hosts and the groups nested in it stay; only the group goes.</Text>
      </ConfirmDialog>
    </>
  );
}
