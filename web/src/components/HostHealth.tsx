/** A host's health badge, its facts, and the hosts page's health filter. */
import { Badge, SegmentedControl, Text, Tooltip } from '@mantine/core';
import type { Host } from '../api/types.ts';
import { formatDuration, relativeTime } from '../lib/format.ts';
import { factsDetail, factsSummary, type HealthFilter, healthCounts } from '../lib/host-health.ts';

export function HealthBadge({ host }: { host: Host }) {
  const h = host.health;
  if (h.status === 'unknown' || !h.checkedAt) {
    return (
      <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-testid={`health-${host.name}`}>
        not checked yet
      </Text>
    );
  }
  const when = relativeTime(h.checkedAt);
  const up = h.status === 'up';
  return (
    <Tooltip label={up ? `checked ${when}` : `${h.message ?? 'failed'} (${when})`} multiline maw={360}>
      <Badge
        color={up ? 'green' : h.failureKind === 'host-key' ? 'orange' : 'red'}
        variant="light"
        data-testid={`health-${host.name}`}
      >
        {up
          ? `up${h.latencyMs !== null ? ` · ${formatDuration(h.latencyMs)}` : ''}`
          : `down${h.failureKind ? ` · ${h.failureKind}` : ''}`}
      </Badge>
    </Tooltip>
  );
}

export function HostFactsText({ host }: { host: Host }) {
  const summary = factsSummary(host.facts);
  if (!host.facts || !summary) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Tooltip
      label={`${factsDetail(host.facts)} (${relativeTime(host.facts.gatheredAt)})`}
      multiline
      maw={360}
    >
      <Text size="sm" data-testid={`facts-${host.name}`}>
        {summary}
      </Text>
    </Tooltip>
  );
}

export function HealthFilterControl({
  hosts,
  value,
  onChange,
}: {
  hosts: readonly Host[];
  value: HealthFilter;
  onChange: (value: HealthFilter) => void;
}) {
  const n = healthCounts(hosts);
  return (
    <SegmentedControl
      size="xs"
      mb="md"
      aria-label="Filter by health"
      data-testid="health-filter"
      value={value}
      onChange={(v) => onChange(v as HealthFilter)}
      data={[
        { value: 'all', label: `All (${n.all})` },
        { value: 'up', label: `Up (${n.up})` },
        { value: 'down', label: `Down (${n.down})` },
        { value: 'unknown', label: `Not checked (${n.unknown})` },
      ]}
    />
  );
}
