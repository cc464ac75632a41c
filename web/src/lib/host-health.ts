/** How a host's health and facts read in the hosts page, and its health filter. Pure. */
import type { HealthStatus, Host, HostFacts } from '../api/types.ts';

export type HealthFilter = HealthStatus | 'all';

export function filterByHealth(hosts: readonly Host[], filter: HealthFilter): Host[] {
  return filter === 'all' ? [...hosts] : hosts.filter((h) => h.health.status === filter);
}

/** Hosts per health state, for the filter's labels. */
export function healthCounts(hosts: readonly Host[]): Record<HealthFilter, number> {
  const counts = { all: hosts.length, up: 0, down: 0, unknown: 0 };
  for (const h of hosts) counts[h.health.status]++;
  return counts;
}

/** e.g. "Debian GNU/Linux 12 · x86_64"; null before facts were gathered. */
export function factsSummary(facts: HostFacts | null): string | null {
  if (!facts) return null;
  const os = [facts.os, facts.osVersion].filter(Boolean).join(' ');
  return [os, facts.arch].filter(Boolean).join(' · ') || null;
}

/** The longer story for a tooltip: hostname and kernel. */
export function factsDetail(facts: HostFacts): string {
  return [facts.hostname && `hostname ${facts.hostname}`, facts.kernel && `kernel ${facts.kernel}`]
    .filter(Boolean)
    .join(', ');
}
