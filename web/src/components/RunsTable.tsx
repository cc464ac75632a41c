import { Anchor, Group, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Link, useNavigate } from 'react-router';
import type { Run } from '../api/types.ts';
import {
  countsSummary,
  elapsed,
  formatDateTime,
  formatDuration,
  relativeTime,
  runTitle,
} from '../lib/format.ts';
import { StatusBadge } from './StatusBadge.tsx';

/** Run history rows; a click anywhere on a row opens the run. */
export function RunsTable({ runs, compact = false }: { runs: readonly Run[]; compact?: boolean }) {
  const navigate = useNavigate();
  const narrow = useMediaQuery('(max-width: 48em)');
  if (narrow) return <RunCards runs={runs} />;
  return (
    <Table.ScrollContainer minWidth={compact ? 560 : 760}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="runs-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>Job or command</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Hosts</Table.Th>
            {!compact && <Table.Th>By</Table.Th>}
            <Table.Th>Duration</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((r) => {
            const ms = elapsed(r.startedAt, r.finishedAt);
            return (
              <Table.Tr
                key={r.id}
                className="orca-row-link"
                onClick={(e) => {
                  if (!(e.target instanceof HTMLAnchorElement)) navigate(`/runs/${r.id}`);
                }}
              >
                <Table.Td>
                  <Tooltip label={formatDateTime(r.createdAt)}>
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {relativeTime(r.createdAt)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td maw={compact ? 260 : 420}>
                  <Anchor
                    component={Link}
                    to={`/runs/${r.id}`}
                    ff={r.job ? undefined : 'monospace'}
                    size="sm"
                    c="inherit"
                    truncate="end"
                    display="block"
                  >
                    {runTitle(r)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={r.status} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {countsSummary(r.counts)}
                  </Text>
                </Table.Td>
                {!compact && <Table.Td>{r.createdBy ?? '—'}</Table.Td>}
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{ms === null ? '—' : formatDuration(ms)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Runs as cards, for phones. */
function RunCards({ runs }: { runs: readonly Run[] }) {
  return (
    <Stack gap="xs" data-testid="runs-cards">
      {runs.map((r) => {
        const ms = elapsed(r.startedAt, r.finishedAt);
        return (
          <Paper key={r.id} withBorder p="sm" component={Link} to={`/runs/${r.id}`} c="inherit" td="none">
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Text ff={r.job ? undefined : 'monospace'} size="sm" truncate="end">
                {runTitle(r)}
              </Text>
              <StatusBadge status={r.status} style={{ flexShrink: 0 }} />
            </Group>
            <Text size="xs" c="dimmed" mt={4}>
              {relativeTime(r.createdAt)} · {countsSummary(r.counts)}
              {ms !== null && ` · ${formatDuration(ms)}`}
              {r.createdBy && ` · ${r.createdBy}`}
            </Text>
          </Paper>
        );
      })}
    </Stack>
  );
}
