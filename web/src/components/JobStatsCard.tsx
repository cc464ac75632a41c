/** A job's run statistics: how often it ran, how often it worked, how long it takes. */
import { SimpleGrid } from '@mantine/core';
import type { JobStats } from '../api/types.ts';
import { formatDuration, relativeTime } from '../lib/format.ts';
import { StatCard } from './StatCard.tsx';

const ms = (v: number | null) => (v === null ? '—' : formatDuration(v));

export function JobStatsCard({ stats }: { stats: JobStats }) {
  const rate = stats.successRate === null ? '—' : `${Math.round(stats.successRate * 1000) / 10}%`;
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="job-stats">
      <StatCard
        compact
        label="Runs"
        value={String(stats.runs)}
        hint={stats.lastRunAt ? `last ${relativeTime(stats.lastRunAt)}` : 'never run'}
        testId="job-stats-runs"
      />
      <StatCard
        compact
        label="Success rate"
        value={rate}
        hint={`${stats.succeeded} succeeded · ${stats.failed} failed${stats.canceled ? ` · ${stats.canceled} canceled` : ''}`}
        testId="job-stats-success"
      />
      <StatCard
        compact
        label="Median duration"
        value={ms(stats.medianDurationMs)}
        testId="job-stats-median"
      />
      <StatCard compact label="95th percentile" value={ms(stats.p95DurationMs)} testId="job-stats-p95" />
    </SimpleGrid>
  );
}
