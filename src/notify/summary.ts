/** What a notification says about a run: the JSON body of webhooks and the text of emails. */
import type { NotificationEvent } from '../domain/notifications.ts';
import type { RunDetail } from '../http/schemas.ts';

export interface RunSummary {
  readonly event: NotificationEvent;
  readonly deliveryId: string;
  readonly sentAt: string;
  readonly run: {
    readonly id: string;
    readonly url: string;
    readonly kind: RunDetail['kind'];
    readonly status: RunDetail['status'];
    readonly job: RunDetail['job'];
    readonly command: string | null;
    readonly createdBy: string | null;
    readonly createdAt: string;
    readonly startedAt: string | null;
    readonly finishedAt: string | null;
    readonly durationMs: number | null;
    readonly counts: RunDetail['counts'];
    /** Hosts that did not succeed (first 100), with why. */
    readonly failedHosts: readonly { name: string; status: string; failure: string | null }[];
  };
}

const FAILED = new Set(['failed', 'lost', 'canceled', 'skipped']);

export function summarize(
  run: RunDetail,
  event: NotificationEvent,
  deliveryId: string,
  publicUrl: string,
  now = new Date(),
): RunSummary {
  const started = run.startedAt ? Date.parse(run.startedAt) : null;
  const finished = run.finishedAt ? Date.parse(run.finishedAt) : null;
  return {
    event,
    deliveryId,
    sentAt: now.toISOString(),
    run: {
      id: run.id,
      url: `${publicUrl}/runs/${run.id}`,
      kind: run.kind,
      status: run.status,
      job: run.job,
      command: run.command,
      createdBy: run.createdBy,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: started !== null && finished !== null ? finished - started : null,
      counts: run.counts,
      failedHosts: run.executions
        .filter((e) => FAILED.has(e.status))
        .slice(0, 100)
        .map((e) => ({ name: e.hostName, status: e.status, failure: e.failureMessage })),
    },
  };
}

const EVENT_WORDS: Readonly<Record<NotificationEvent, string>> = {
  start: 'started',
  success: 'succeeded',
  failure: 'failed',
  cancel: 'was canceled',
};

/** `deploy-web v3` or `ad-hoc: uptime` (commands cut at 60 characters). */
export function runTitle(s: RunSummary): string {
  if (s.run.job) return `${s.run.job.name} v${s.run.job.version}`;
  const command = (s.run.command ?? '').replace(/\s+/g, ' ').trim();
  return `ad-hoc: ${command.length > 60 ? `${command.slice(0, 59)}\u2026` : command}`;
}

export function emailSubject(s: RunSummary): string {
  return `[orca] ${runTitle(s)} ${EVENT_WORDS[s.event]}`;
}

export function emailText(s: RunSummary): string {
  const c = s.run.counts;
  const lines = [
    `${runTitle(s)} ${EVENT_WORDS[s.event]}.`,
    '',
    `Run:      ${s.run.url}`,
    `Status:   ${s.run.status}`,
    `Hosts:    ${c.total} (${c.succeeded} succeeded, ${c.failed} failed, ${c.canceled} canceled)`,
    `Started:  ${s.run.startedAt ?? '-'}`,
    `Finished: ${s.run.finishedAt ?? '-'}`,
  ];
  if (s.run.durationMs !== null) lines.push(`Duration: ${(s.run.durationMs / 1000).toFixed(1)} s`);
  if (s.run.failedHosts.length > 0) {
    lines.push('', 'Hosts that did not succeed:');
    for (const h of s.run.failedHosts)
      lines.push(`  ${h.name}: ${h.status}${h.failure ? ` (${h.failure})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
