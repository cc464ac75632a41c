/** A job's run statistics: how often it ran, how often it worked, how long it takes. */
import { Paper, SimpleGrid, Text } from '@mantine/core';
import type { JobStats } from '../api/types.ts';
import { formatDuration, relativeTime } from '../lib/format.ts';

function Stat({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  testId: string;
}) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={22} fw={700} lh={1.3} data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

const ms = (v: number | null) => (v === null ? '—' : formatDuration(v));

export function JobStatsCard({ stats }: { stats: JobStats }) {
  const rate = stats.successRate === null ? '—' : `${Math.round(stats.successRate * 1000) / 10}%`;
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="job-stats">
      <Stat
        label="Runs"
        value={String(stats.runs)}
        hint={stats.lastRunAt ? `last ${relativeTime(stats.lastRunAt)}` : 'never run'}
        testId="job-stats-runs"
      />
      <Stat
        label="Success rate"
        value={rate}
        hint={`${stats.succeeded} succeeded · ${stats.failed} failed${stats.canceled ? ` · ${stats.canceled} canceled` : ''}`}
        testId="job-stats-success"
      />
      <Stat label="Median duration" value={ms(stats.medianDurationMs)} testId="job-stats-median" />
      <Stat label="95th percentile" value={ms(stats.p95DurationMs)} testId="job-stats-p95" />
    </SimpleGrid>
  );
}
