/** How a host's health and facts read: `orca hosts show NAME` and the list's columns. */
import type { Host } from '../http/schemas.ts';
import { fields, formatDuration, formatTime, type Palette, palette } from './output.ts';

/** `up 12ms`, `down (timeout)`, or `-` before the first check. */
export function healthText(health: Host['health'] | undefined, p: Palette = palette(false)): string {
  if (!health || health.status === 'unknown') return '-';
  if (health.status === 'up')
    return p.green(`up${health.latencyMs === null ? '' : ` ${formatDuration(health.latencyMs)}`}`);
  return p.red(`down${health.failureKind ? ` (${health.failureKind})` : ''}`);
}

/** `Debian GNU/Linux 12 x86_64`: the OS at a glance, or `-` before facts were gathered. */
export function osText(facts: Host['facts'] | undefined): string {
  if (!facts) return '-';
  return [facts.os, facts.osVersion, facts.arch].filter(Boolean).join(' ') || '-';
}

export function hostDetails(h: Host, p: Palette = palette(false)): string {
  const f = h.facts;
  return fields([
    ['name', h.name],
    ['address', `${h.address}:${h.port}`],
    ['kind', `${h.os} ${h.transport}${h.transport === 'winrm' && h.winrm?.https ? ' https' : ''}`],
    ['user', h.username],
    ['credential', h.credentialName ?? '-'],
    ['jump host', h.jumpHost ?? '-'],
    ['pool', h.pool ?? 'any worker'],
    ['host key', h.hostKey ? `${h.hostKey.fingerprint} (${h.hostKey.algorithm})` : '-'],
    ...(h.pendingHostKey ? [['new host key', p.yellow(h.pendingHostKey.fingerprint)] as const] : []),
    ['health', healthText(h.health, p)],
    ['checked', formatTime(h.health?.checkedAt ?? null)],
    ...(h.health?.status === 'down' && h.health.message ? [['failure', h.health.message] as const] : []),
    ['hostname', f?.hostname ?? '-'],
    ['os', f ? [f.os, f.osVersion].filter(Boolean).join(' ') || '-' : '-'],
    ['kernel', f?.kernel ?? '-'],
    ['arch', f?.arch ?? '-'],
    ['facts from', formatTime(f?.gatheredAt ?? null)],
  ]);
}
