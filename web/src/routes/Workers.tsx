/** Workers and the executor: who executes, how loaded each is, and what waits. Refreshes itself. */
import { Badge, Group, Loader, Progress, SimpleGrid, Table, Text } from '@mantine/core';
import { useCallback } from 'react';
import type { WorkerView } from '../api/worker-types.ts';
import { useApi } from '../auth/session.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PoolsTable } from '../components/PoolsTable.tsx';
import { StatCard } from '../components/StatCard.tsx';
import { useResource } from '../hooks/useResource.ts';
import { relativeTime } from '../lib/format.ts';

const STATE_COLOR: Record<WorkerView['state'], string> = {
  alive: 'green',
  stopping: 'yellow',
  silent: 'orange',
  stopped: 'gray',
};

/** The pools a worker serves: its tags, and the hosts with no pool unless it is pool-only. */
function WorkerPools({ w }: { w: WorkerView }) {
  return (
    <Group gap={4} data-testid="worker-pools">
      {w.tags.map((t) => (
        <Badge key={t} size="sm" variant="light" color="orange" tt="none">
          {t}
        </Badge>
      ))}
      {w.poolOnly ? (
        <Badge size="sm" variant="outline" color="gray" tt="none">
          pool-only
        </Badge>
      ) : (
        <Text size="xs" c="dimmed">
          {w.tags.length ? '+ hosts without a pool' : 'any host without a pool'}
        </Text>
      )}
    </Group>
  );
}

export function WorkersPage() {
  const api = useApi();
  const workers = useResource(
    useCallback(() => api.listWorkers(), [api]),
    { refreshMs: 5000 },
  );
  const status = useResource(
    useCallback(() => api.executorStatus(), [api]),
    { refreshMs: 5000 },
  );
  const s = status.data;
  const list = workers.data ?? [];
  return (
    <>
      <PageHeader
        title="Workers"
        description="The processes that reach hosts. Run more with `orca worker` on any machine that reaches the database."
      />
      <ErrorAlert error={workers.error ?? status.error} title="Could not load the workers" />
      {s && (
        <SimpleGrid cols={{ base: 2, sm: 4 }} mb="lg" data-testid="executor-status">
          <StatCard label="Running" value={s.running} hint={`of ${s.workers.capacity} slots`} compact />
          <StatCard label="Queued" value={s.queued} hint="waiting for a free worker" compact />
          <StatCard label="Held back" value={s.pending} hint="by batches, maxParallel or stepFirst" compact />
          <StatCard
            label="Workers"
            value={s.workers.alive}
            hint={
              [
                s.workers.stopping ? `${s.workers.stopping} stopping` : '',
                s.workers.silent ? `${s.workers.silent} silent` : '',
              ]
                .filter(Boolean)
                .join(', ') || 'alive'
            }
            compact
          />
        </SimpleGrid>
      )}
      {s && <PoolsTable pools={s.pools} />}
      {workers.loading && !workers.data ? (
        <Loader />
      ) : list.length === 0 ? (
        <Empty title="No workers">Nothing runs until a worker starts: `orca worker` (or `orca start`).</Empty>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" data-testid="workers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Worker</Table.Th>
                <Table.Th>Host</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Pools</Table.Th>
                <Table.Th>Load</Table.Th>
                <Table.Th>Last heartbeat</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((w) => (
                <Table.Tr key={w.id} data-testid={`worker-${w.id}`}>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {w.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {w.hostname}{' '}
                    <Text span size="xs" c="dimmed">
                      pid {w.pid}
                    </Text>
                  </Table.Td>
                  <Table.Td>{w.version}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={STATE_COLOR[w.state]}>
                      {w.state}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <WorkerPools w={w} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Progress value={(100 * w.running) / Math.max(1, w.concurrency)} w={80} />
                      <Text size="sm">
                        {w.running}/{w.concurrency}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>{relativeTime(w.lastHeartbeatAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
