/** The executor per worker pool: what waits and runs there, who serves it, and what is wrong. */
import { Alert, Badge, Table, Text } from '@mantine/core';
import type { PoolStatus } from '../api/worker-types.ts';

const poolName = (p: PoolStatus) => p.pool ?? 'no pool (any worker)';

export function PoolsTable({ pools }: { pools: readonly PoolStatus[] }) {
  const problems = pools.filter((p) => p.problem && (p.queued > 0 || p.pool !== null));
  return (
    <>
      {problems.map((p) => (
        <Alert
          key={poolName(p)}
          color={p.queued > 0 ? 'orange' : 'yellow'}
          mb="sm"
          title={p.problem}
          data-testid={`pool-problem-${p.pool ?? 'none'}`}
        >
          {p.pool
            ? `Start a worker with \`orca worker --tags ${p.pool}\` where it can reach these hosts; until then their runs stay queued.`
            : 'Start a worker without --pool-only, or route these hosts to a pool.'}
        </Alert>
      ))}
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs" mb="lg" data-testid="pools-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Pool</Table.Th>
              <Table.Th>Queued</Table.Th>
              <Table.Th>Running</Table.Th>
              <Table.Th>Workers</Table.Th>
              <Table.Th>Capacity</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pools.map((p) => (
              <Table.Tr key={poolName(p)} data-testid={`pool-${p.pool ?? 'none'}`}>
                <Table.Td>
                  {p.pool ? (
                    <Badge variant="light" color="orange" tt="none">
                      {p.pool}
                    </Badge>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {poolName(p)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{p.queued}</Table.Td>
                <Table.Td>{p.running}</Table.Td>
                <Table.Td>
                  <Text size="sm" c={p.workers === 0 ? 'red' : undefined}>
                    {p.workers}
                  </Text>
                </Table.Td>
                <Table.Td>{p.capacity}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
