/** Schedules: each with its job, cron and time zone, last run and next fire time, and an enable switch. */
import { Anchor, Badge, Button, Group, Loader, Switch, Table, Text, Tooltip } from '@mantine/core';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api/http.ts';
import type { Schedule } from '../api/schedule-types.ts';
import { listSchedules, setScheduleEnabled } from '../api/schedules.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime, relativeTime } from '../lib/format.ts';

export function SchedulesPage() {
  const api = useApi();
  const canEdit = useSession().can('operator');
  const schedules = useResource(
    useCallback(() => listSchedules(api), [api]),
    { refreshMs: 10_000 },
  );
  const [toggleError, setToggleError] = useState<string | null>(null);

  const toggle = async (s: Schedule, enabled: boolean) => {
    setToggleError(null);
    try {
      const saved = await setScheduleEnabled(api, s.id, enabled);
      schedules.mutate((list) => list?.map((x) => (x.id === saved.id ? saved : x)));
    } catch (e) {
      setToggleError(`${s.name}: ${errorMessage(e)}`);
    }
  };

  const newButton = canEdit && (
    <Button component={Link} to="/schedules/new">
      New schedule
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Schedules"
        description="Jobs that run by themselves: a cron expression in a time zone, with parameter values and targets."
        actions={newButton}
      />
      <ErrorAlert error={schedules.error} title="Could not load schedules" />
      {toggleError && (
        <Text c="red" size="sm" mb="sm" role="alert">
          {toggleError}
        </Text>
      )}
      {schedules.loading && !schedules.data ? (
        <Loader />
      ) : schedules.data && schedules.data.length === 0 ? (
        <Empty title="No schedules yet" action={newButton}>
          A schedule runs a job on a cron expression, such as every night at 02:30 in Europe/Berlin.
        </Empty>
      ) : (
        schedules.data && <SchedulesTable schedules={schedules.data} canEdit={canEdit} onToggle={toggle} />
      )}
    </>
  );
}

function When({ iso }: { iso: string | null }) {
  if (!iso) return <Text c="dimmed">—</Text>;
  return (
    <Tooltip label={formatDateTime(iso)}>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {relativeTime(iso)}
      </Text>
    </Tooltip>
  );
}

function SchedulesTable({
  schedules,
  canEdit,
  onToggle,
}: {
  schedules: readonly Schedule[];
  canEdit: boolean;
  onToggle: (s: Schedule, enabled: boolean) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table verticalSpacing="xs" data-testid="schedules-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Job</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Last run</Table.Th>
            <Table.Th>Next run</Table.Th>
            <Table.Th>Enabled</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {schedules.map((s) => (
            <Table.Tr key={s.id} data-testid={`schedule-row-${s.name}`}>
              <Table.Td>
                <Anchor component={Link} to={`/schedules/${s.id}`} fw={600} size="sm">
                  {s.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/jobs/${s.job.id}`} size="sm">
                  {s.job.name}
                </Anchor>{' '}
                <Text span size="xs" c="dimmed">
                  {s.version === null ? 'latest' : `v${s.version}`}
                </Text>
                {!s.job.active && (
                  <Badge ml={6} size="xs" color="gray" variant="light">
                    job inactive
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {s.cron}
                </Text>
                <Text size="xs" c="dimmed">
                  {s.timeZone} · overlap {s.overlap} · misfire {s.misfire}
                </Text>
              </Table.Td>
              <Table.Td>
                {s.lastRun ? (
                  <Group gap={6} wrap="nowrap">
                    <Anchor component={Link} to={`/runs/${s.lastRun.id}`} size="sm">
                      <When iso={s.lastRun.createdAt} />
                    </Anchor>
                    <StatusBadge status={s.lastRun.status} size="sm" />
                  </Group>
                ) : (
                  <Text c="dimmed">—</Text>
                )}
              </Table.Td>
              <Table.Td data-testid={`schedule-next-${s.name}`}>
                <When iso={s.nextFireAt} />
              </Table.Td>
              <Table.Td>
                <Switch
                  aria-label={`Enable ${s.name}`}
                  checked={s.enabled}
                  disabled={!canEdit}
                  onChange={(e) => onToggle(s, e.currentTarget.checked)}
                  data-testid={`schedule-enabled-${s.name}`}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
