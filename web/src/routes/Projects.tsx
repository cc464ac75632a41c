/** Projects and their members (admins): create, delete when empty, add and remove members. */
import {
  Button,
  Group,
  Loader,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import type { MemberRole, Project } from '../api/project-types.ts';
import { useApi } from '../auth/session.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useResource } from '../hooks/useResource.ts';

export function ProjectsPage() {
  const api = useApi();
  const projects = useResource(useCallback(() => api.listProjects(), [api]));
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<Project | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const p = await api.createProject({ name: name.trim() });
      setName('');
      setOpen(p.id);
      await projects.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeader
        title="Projects"
        description="Hosts, credentials, groups and jobs belong to a project; a user sees and runs only what their projects hold. Rights in a project are the lesser of the user's role and their membership."
      />
      <form onSubmit={create} aria-label="New project">
        <Group align="flex-end" mb="md">
          <TextInput
            label="New project"
            placeholder="payments"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-testid="project-name"
          />
          <Button type="submit" disabled={!name.trim()} data-testid="create-project">
            Create
          </Button>
        </Group>
      </form>
      <ErrorAlert error={error} title="Not done" />
      <ErrorAlert error={projects.error} title="Could not load projects" />
      {projects.loading ? (
        <Loader />
      ) : (
        <Stack>
          {(projects.data ?? []).map((p) => (
            <Paper key={p.id} withBorder p="md" data-testid={`project-${p.name}`}>
              <Group justify="space-between">
                <div>
                  <Title order={4}>{p.name}</Title>
                  <Text size="sm" c="dimmed">
                    {p.members} member(s){p.description ? ` · ${p.description}` : ''}
                  </Text>
                </div>
                <Group gap="xs">
                  <Button variant="default" onClick={() => setOpen(open === p.id ? null : p.id)}>
                    {open === p.id ? 'Hide members' : 'Members'}
                  </Button>
                  <Button color="red" variant="light" onClick={() => setDeleting(p)}>
                    Delete
                  </Button>
                </Group>
              </Group>
              {open === p.id && <Members project={p} onChanged={() => void projects.reload()} />}
            </Paper>
          ))}
        </Stack>
      )}
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? 'project'}?`}
        confirmLabel="Delete project"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.deleteProject(deleting.id);
          await projects.reload();
        }}
      >
        <Text size="sm">
          Only an empty project can be deleted: move or delete its hosts, jobs and credentials first.
        </Text>
      </ConfirmDialog>
    </>
  );
}

function Members({ project, onChanged }: { project: Project; onChanged: () => void }) {
  const api = useApi();
  const members = useResource(useCallback(() => api.listMembers(project.id), [api, project.id]));
  const [user, setUser] = useState('');
  const [role, setRole] = useState<MemberRole>('operator');
  const [error, setError] = useState<unknown>(null);
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await members.reload();
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Stack mt="md" gap="sm">
      <ErrorAlert error={error ?? members.error} title="Not done" />
      <Table data-testid={`members-${project.name}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>Role here</Table.Th>
            <Table.Th>Own role</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(members.data ?? []).map((m) => (
            <Table.Tr key={m.userId}>
              <Table.Td fw={600}>{m.username}</Table.Td>
              <Table.Td>{m.role}</Table.Td>
              <Table.Td>{m.globalRole}</Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => void act(() => api.removeMember(project.id, m.userId))}
                >
                  Remove
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form
        aria-label={`Add a member to ${project.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            await api.putMember(project.id, user.trim(), role);
            setUser('');
          });
        }}
      >
        <Group align="flex-end">
          <TextInput label="Username" value={user} onChange={(e) => setUser(e.currentTarget.value)} />
          <NativeSelect
            label="Role here"
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as MemberRole)}
            data={['operator', 'viewer']}
          />
          <Button type="submit" disabled={!user.trim()}>
            Add member
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
