/** `orca workers`: the workers and what the executor has queued and running. */
import type { Command } from 'commander';
import type { ExecutorStatus, WorkerView } from '../http/worker-schemas.ts';
import { action, apiClient, type ConnectionFlags, printJson, subcommand, withConnection } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';
import { formatTime, table } from './output.ts';

export function workersText(workers: readonly WorkerView[], s: ExecutorStatus): string {
  const head = `executions: ${s.running} running, ${s.queued} queued for a worker, ${s.pending} waiting for their strategy; workers: ${s.workers.alive} alive (capacity ${s.workers.capacity})${s.workers.silent ? `, ${s.workers.silent} silent` : ''}\n`;
  if (workers.length === 0) return `${head}no workers have registered; start one with \`orca worker\`\n`;
  return (
    head +
    table(
      ['WORKER', 'HOST', 'VERSION', 'STATE', 'RUNNING', 'LAST HEARTBEAT'],
      workers.map((w) => [
        w.id,
        w.hostname,
        w.version,
        w.state,
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
