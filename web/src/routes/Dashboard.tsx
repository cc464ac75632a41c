import {
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useCallback } from 'react';
import { Link } from 'react-router';
import { RUN_STATUSES } from '../api/types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { RunsTable } from '../components/RunsTable.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { useResource } from '../hooks/useResource.ts';
import { runStats, runsSince } from '../lib/stats.ts';
import { STATUS_COLOR } from '../lib/status.ts';

const DAY = 24 * 3600 * 1000;

export function DashboardPage() {
  const api = useApi();
  const canRun = useSession().can('operator');
  const hosts = useResource(
    useCallback(() => api.listHosts(), [api]),
    { refreshMs: 30_000 },
  );
  const runs = useResource(
    useCallback(() => runsSince((q) => api.listRuns(q), Date.now() - DAY), [api]),
    { refreshMs: 10_000 },
  );

  const hostList = hosts.data ?? [];
  const failing = hostList.filter((h) => h.lastCheck && !h.lastCheck.ok).length;
  const stats = runStats(runs.data?.runs ?? [], Date.now() - DAY);
  const plus = runs.data && !runs.data.complete ? '+' : '';

  return (
    <>
      <PageHeader
        title="Dashboard"
        actions={
          canRun && (
            <Button component={Link} to="/run">
              Run a command
            </Button>
          )
        }
      />
      <ErrorAlert error={hosts.error ?? runs.error} title="Could not load everything" />
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md" mb="md">
        <StatCard
          label="Hosts"
          value={hosts.loading ? '…' : hostList.length}
          hint={failing ? `${failing} failed their last check` : 'all reachable at last check'}
          testId="stat-hosts"
        />
        <StatCard
          label="Runs, last 24 h"
          value={runs.loading ? '…' : `${stats.total}${plus}`}
          testId="stat-runs"
        />
        <StatCard
          label="Success rate"
          value={stats.successRate === null ? '—' : `${Math.round(stats.successRate * 100)}%`}
          hint="of finished runs, last 24 h"
        />
        <StatCard
          label="Active now"
          value={stats.byStatus.running + stats.byStatus.queued}
          hint="queued or running"
        />
      </SimpleGrid>

      <Paper withBorder p="md" radius="md" mb="lg">
        <Text fw={600} mb="xs">
          Runs by status, last 24 h
        </Text>
        {stats.total === 0 ? (
          <Text size="sm" c="dimmed">
            No runs in the last 24 hours.
          </Text>
        ) : (
          <Stack gap="xs">
            <Progress.Root size={14} aria-label="Runs by status">
              {RUN_STATUSES.filter((s) => stats.byStatus[s] > 0).map((s) => (
                <Tooltip key={s} label={`${stats.byStatus[s]} ${s}`}>
                  <Progress.Section value={(stats.byStatus[s] / stats.total) * 100} color={STATUS_COLOR[s]} />
                </Tooltip>
              ))}
            </Progress.Root>
            <Group gap="md">
              {RUN_STATUSES.map((s) => (
                <Group key={s} gap={6} data-testid={`stat-${s}`}>
                  <span
                    style={{
                      width: 10,
                      height: 10,
                      borderRadius: 3,
                      background: `var(--mantine-color-${STATUS_COLOR[s]}-filled)`,
                    }}
                  />
                  <Text size="sm">
                    {s} <b>{stats.byStatus[s]}</b>
                  </Text>
                </Group>
              ))}
            </Group>
          </Stack>
        )}
      </Paper>

      <Group justify="space-between" mb="xs">
        <Title order={4}>Recent runs</Title>
        <Button component={Link} to="/runs" variant="subtle" size="xs">
          All runs
        </Button>
      </Group>
      {runs.loading ? (
        <Loader />
      ) : (runs.data?.runs.length ?? 0) === 0 ? (
        <Empty title="Nothing has run yet">
          {hostList.length === 0
            ? 'Start by adding a credential and a host.'
            : 'Run a command to see it here.'}
        </Empty>
      ) : (
        <RunsTable runs={(runs.data?.runs ?? []).slice(0, 10)} compact />
      )}
    </>
  );
}
