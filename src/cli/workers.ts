/** `orca workers`: the workers and what the executor has queued and running. */
import type { Command } from 'commander';
import type { ExecutorStatus, WorkerView } from '../http/worker-schemas.ts';
import { action, apiClient, type ConnectionFlags, printJson, subcommand, withConnection } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';
import { formatTime, table } from './output.ts';

/** `zone=dmz,+unrouted` / `zone=dmz (pool-only)` / `any`: what a worker serves. */
export function servesText(w: Pick<WorkerView, 'tags' | 'poolOnly'>): string {
  if (w.tags.length === 0) return w.poolOnly ? '-' : 'any';
  return `${w.tags.join(',')}${w.poolOnly ? ' (pool-only)' : ',+unrouted'}`;
}

function poolsText(s: ExecutorStatus): string {
  const routed = s.pools.filter((p) => p.pool !== null || p.problem);
  if (routed.length === 0) return '';
  const rows = table(
    ['POOL', 'QUEUED', 'RUNNING', 'WORKERS', 'CAPACITY', 'PROBLEM'],
    routed.map((p) => [
      p.pool ?? '(no pool)',
      String(p.queued),
      String(p.running),
      String(p.workers),
      String(p.capacity),
      p.problem ?? '-',
    ]),
  );
  return `${rows}\n`;
}

export function workersText(workers: readonly WorkerView[], s: ExecutorStatus): string {
  const others = [
    s.workers.stopping ? `${s.workers.stopping} stopping` : '',
    s.workers.silent ? `${s.workers.silent} silent` : '',
  ].filter(Boolean);
  const head = `executions: ${s.running} running, ${s.queued} queued for a worker, ${s.pending} waiting for their strategy; workers: ${s.workers.alive} alive (capacity ${s.workers.capacity})${others.map((o) => `, ${o}`).join('')}\n`;
  if (workers.length === 0)
    return `${head}${poolsText(s)}no workers have registered; start one with \`orca worker\`\n`;
  return (
    head +
    poolsText(s) +
    table(
      ['WORKER', 'HOST', 'VERSION', 'STATE', 'SERVES', 'RUNNING', 'LAST HEARTBEAT'],
      workers.map((w) => [
        w.id,
        w.hostname,
        w.version,
        w.state,
        servesText(w),
        `${w.running}/${w.concurrency}`,
        formatTime(w.lastHeartbeatAt),
      ]),
    )
  );
}

export function registerWorkers(program: Command, io: CliIo): void {
  withConnection(
    subcommand(program, 'workers', io)
      .description('workers (alive, silent, stopped) and the executor: queued and running executions')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const client = await apiClient(io, flags);
      const [workers, status] = await Promise.all([
        client.get<WorkerView[]>('/workers'),
        client.get<ExecutorStatus>('/executor/status'),
      ]);
      if (flags.json) printJson(io, { workers, status });
      else io.stdout(workersText(workers, status));
      return ExitCode.ok;
    }),
  );
}
