import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { Job } from '../api/job-types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProjectFilter, useProjects } from '../components/ProjectSelect.tsx';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime, relativeTime } from '../lib/format.ts';

type ActiveFilter = 'all' | 'active' | 'inactive';

const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b));

export function JobsPage() {
  const api = useApi();
  const canEdit = useSession().can('operator');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? '';
  const tag = params.get('tag') ?? '';
  const active = (params.get('active') ?? 'all') as ActiveFilter;
  const project = params.get('project') ?? '';
  const projects = useProjects();
  const [debouncedQ] = useDebouncedValue(q, 250);

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value && value !== 'all') next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const jobs = useResource(
    useCallback(
      () =>
        api.listJobs({
          q: debouncedQ.trim() || undefined,
          category: category || undefined,
          tag: tag || undefined,
          active: active === 'all' ? undefined : active === 'active',
          project: project || undefined,
        }),
      [api, debouncedQ, category, tag, active, project],
    ),
  );
  // The filters offer what exists among all jobs, whatever is filtered now.
  const everything = useResource(useCallback(() => api.listJobs(), [api]));
  const categories = useMemo(
    () => sorted((everything.data ?? []).flatMap((j) => (j.category ? [j.category] : []))),
    [everything.data],
  );
  const tags = useMemo(() => sorted((everything.data ?? []).flatMap((j) => j.tags)), [everything.data]);
  const filtered = Boolean(q || category || tag || project || active !== 'all');

  return (
    <>
      <PageHeader
        title="Jobs"
        description="Named, versioned definitions: parameters, steps and the hosts they run on."
        actions={
          canEdit && (
            <Button component={Link} to="/jobs/new">
              New job
            </Button>
          )
        }
      />
      <Group mb="md" align="flex-end" gap="sm">
        <ProjectFilter projects={projects} value={project} onChange={(v) => set('project', v)} />
        <TextInput
          label="Search"
          placeholder="Name or description"
          type="search"
          value={q}
          onChange={(e) => set('q', e.currentTarget.value)}
          w={260}
        />
        <Select
          label="Category"
          placeholder="Any"
          data={categories}
          value={category || null}
          onChange={(v) => set('category', v ?? '')}
          clearable
          searchable
          w={180}
        />
        <Select
          label="Tag"
          placeholder="Any"
          data={tags}
          value={tag || null}
          onChange={(v) => set('tag', v ?? '')}
          clearable
          searchable
          w={180}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            State
          </Text>
          <SegmentedControl
            aria-label="State"
            value={active}
            onChange={(v) => set('active', v)}
            data={[
              { value: 'all', label: 'All' },
              { value: 'active', label: 'Active' },
              { value: 'inactive', label: 'Inactive' },
            ]}
          />
        </Stack>
      </Group>
      <ErrorAlert error={jobs.error} title="Could not load jobs" />
      {jobs.loading && !jobs.data ? (
        <Loader />
      ) : jobs.data && jobs.data.length === 0 ? (
        <Empty
          title={filtered ? 'No job matches' : 'No jobs yet'}
          action={
            canEdit &&
            !filtered && (
              <Button component={Link} to="/jobs/new" variant="light">
                New job
              </Button>
            )
          }
        >
          {filtered
            ? 'Change or clear the filters.'
            : 'A job is a YAML document: parameters, steps and the hosts they run on.'}
        </Empty>
      ) : (
        jobs.data && <JobsTable jobs={jobs.data} />
      )}
    </>
  );
}

function JobsTable({ jobs }: { jobs: readonly Job[] }) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="jobs-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Category</Table.Th>
            <Table.Th>Tags</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Last updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.map((j) => (
            <Table.Tr
              key={j.id}
              className="orca-row-link"
              data-testid={`job-row-${j.name}`}
              onClick={(e) => {
                if (!(e.target instanceof HTMLAnchorElement)) navigate(`/jobs/${j.id}`);
              }}
            >
              <Table.Td maw={360}>
                <Anchor component={Link} to={`/jobs/${j.id}`} fw={600} size="sm">
                  {j.name}
                </Anchor>
                {j.description && (
                  <Text size="xs" c="dimmed" truncate="end">
                    {j.description}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{j.category ?? <Text c="dimmed">—</Text>}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {j.tags.map((t) => (
                    <Badge key={t} variant="outline" size="sm" tt="none">
                      {t}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>v{j.version}</Table.Td>
              <Table.Td>
                <Badge color={j.active ? 'green' : 'gray'} variant="light">
                  {j.active ? 'active' : 'inactive'}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Tooltip label={formatDateTime(j.updatedAt)}>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {relativeTime(j.updatedAt)}
                  </Text>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
