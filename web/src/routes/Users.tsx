/** Users (admin): create, change role, disable/enable, reset password, unlock, sign out everywhere. */
import { Badge, Button, Group, Loader, Menu, NativeSelect, Table, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { Role } from '../api/types.ts';
import type { UserDetail, UserWithPassword } from '../api/user-types.ts';
import { useApi, useMe } from '../auth/session.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { Icon } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { CreateUserModal, NewPasswordModal } from '../components/UserModals.tsx';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime, relativeTime } from '../lib/format.ts';

const ROLES: { value: Role; label: string }[] = [
  { value: 'admin', label: 'admin' },
  { value: 'operator', label: 'operator' },
  { value: 'viewer', label: 'viewer' },
];

type Pending = { kind: 'disable' | 'reset' | 'signout' | 'delete'; user: UserDetail } | null;

const locked = (u: UserDetail) => u.lockedUntil !== null && Date.parse(u.lockedUntil) > Date.now();

export function UsersPage() {
  const api = useApi();
  const me = useMe();
  const users = useResource(useCallback(() => api.listUsers(), [api]));
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<UserWithPassword | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = users.data ?? [];

  const replace = (u: UserDetail) => users.mutate((all) => all?.map((x) => (x.id === u.id ? u : x)));
  const act = async (fn: () => Promise<void>) => {
    setRowError(null);
    setNotice(null);
    try {
      await fn();
    } catch (e) {
      setRowError(e);
    }
  };

  return (
    <>
      <PageHeader
        title="Users"
        description="Who may sign in, with which role. Disabling ends a user's sessions and stops their API tokens."
        actions={<Button onClick={() => setCreating(true)}>New user</Button>}
      />
      <ErrorAlert error={users.error} title="Could not load users" />
      <ErrorAlert error={rowError} title="Not changed" />
      {notice && (
        <Text size="sm" c="teal" mb="sm" data-testid="users-notice">
          {notice}
        </Text>
      )}
      {users.loading && !users.data ? (
        <Loader />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="users-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Last login</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((u) => (
                <Table.Tr key={u.id} data-testid={`user-row-${u.username}`}>
                  <Table.Td fw={600}>
                    {u.username}
                    {u.id === me.user.id && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        (you)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <NativeSelect
                      size="xs"
                      w={120}
                      aria-label={`Role of ${u.username}`}
                      data={ROLES}
                      value={u.role}
                      onChange={(e) => {
                        const role = e.currentTarget.value as Role;
                        if (role !== u.role)
                          void act(async () => replace(await api.updateUser(u.id, { role })));
                      }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      {u.disabled ? (
                        <Badge color="gray" variant="light">
                          disabled
                        </Badge>
                      ) : (
                        <Badge color="green" variant="light">
                          enabled
                        </Badge>
                      )}
                      {locked(u) && (
                        <Badge
                          color="orange"
                          variant="light"
                          title={`until ${formatDateTime(u.lockedUntil)}`}
                        >
                          locked until {formatDateTime(u.lockedUntil)}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{u.lastLoginAt ? relativeTime(u.lastLoginAt) : 'never'}</Table.Td>
                  <Table.Td ta="right">
                    <Menu position="bottom-end" withinPortal>
                      <Menu.Target>
                        <Button size="xs" variant="subtle" aria-label={`Actions for ${u.username}`}>
                          <Icon name="more" />
                        </Button>
                      </Menu.Target>
                      <Menu.Dropdown>
                        {u.disabled ? (
                          <Menu.Item
                            onClick={() =>
                              void act(async () => replace(await api.updateUser(u.id, { disabled: false })))
                            }
                          >
                            Enable
                          </Menu.Item>
                        ) : (
                          <Menu.Item onClick={() => setPending({ kind: 'disable', user: u })}>
                            Disable
                          </Menu.Item>
                        )}
                        <Menu.Item onClick={() => setPending({ kind: 'reset', user: u })}>
                          Reset password
                        </Menu.Item>
                        {locked(u) && (
                          <Menu.Item
                            onClick={() =>
                              void act(async () => {
                                replace(await api.unlockUser(u.id));
                                setNotice(`${u.username} is unlocked`);
                              })
                            }
                          >
                            Unlock
                          </Menu.Item>
                        )}
                        <Menu.Item onClick={() => setPending({ kind: 'signout', user: u })}>
                          Sign out everywhere
                        </Menu.Item>
                        <Menu.Divider />
                        <Menu.Item color="red" onClick={() => setPending({ kind: 'delete', user: u })}>
                          Delete
                        </Menu.Item>
                      </Menu.Dropdown>
                    </Menu>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <CreateUserModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(r) => {
          setCreating(false);
          users.mutate((all) =>
            [...(all ?? []), r.user].sort((a, b) => a.username.localeCompare(b.username)),
          );
          if (r.password) setShown(r);
        }}
      />
      <NewPasswordModal shown={shown} onClose={() => setShown(null)} />
      <ConfirmDialog
        opened={pending !== null}
        title={
          pending
            ? {
                disable: `Disable ${pending.user.username}?`,
                reset: `Reset the password of ${pending.user.username}?`,
                signout: `Sign ${pending.user.username} out everywhere?`,
                delete: `Delete ${pending.user.username}?`,
              }[pending.kind]
            : ''
        }
        confirmLabel={
          pending
            ? { disable: 'Disable', reset: 'Generate a new password', signout: 'Sign out', delete: 'Delete' }[
                pending.kind
              ]
            : ''
        }
        onClose={() => setPending(null)}
        onConfirm={async () => {
          if (!pending) return;
          const u = pending.user;
          setNotice(null);
          if (pending.kind === 'disable') replace(await api.updateUser(u.id, { disabled: true }));
          if (pending.kind === 'reset') setShown(await api.resetUserPassword(u.id));
          if (pending.kind === 'signout') {
            const r = await api.revokeUserSessions(u.id);
            setNotice(`${r.sessionsEnded} session(s) of ${u.username} ended`);
          }
          if (pending.kind === 'delete') {
            await api.deleteUser(u.id);
            users.mutate((all) => all?.filter((x) => x.id !== u.id));
          }
        }}
      >
        <Text size="sm">
          {pending &&
            {
              disable:
                'Their sessions end now and their API tokens stop working until you enable them again.',
              reset: 'A new password is generated and shown once. Their sessions end.',
              signout: 'Every browser session of this user ends. Their API tokens keep working.',
              delete: 'Only a user who has done nothing yet can be deleted; otherwise disable them.',
            }[pending.kind]}
        </Text>
      </ConfirmDialog>
    </>
  );
}
