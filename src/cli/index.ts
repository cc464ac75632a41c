/** The client side of `orca`: commands that talk to a server's HTTP API with a token. */
import type { Command } from 'commander';
import { registerAudit } from './audit.ts';
import { registerAuth } from './auth.ts';
import { registerCredentials } from './credentials.ts';
import { registerExec } from './exec.ts';
import { registerGroups } from './groups.ts';
import { registerHosts } from './hosts.ts';
import { type CliIo, processIo } from './io.ts';
import { registerJobs } from './jobs.ts';
import { registerLogs } from './logs.ts';
import { registerNotifications } from './notifications.ts';
import { registerProjects } from './projects.ts';
import { registerRuns } from './runs.ts';
import { registerSchedules } from './schedules.ts';
import { registerTokens } from './tokens.ts';
import { registerTriggers } from './triggers.ts';
import { registerUsers } from './users.ts';
import { registerWorkers } from './workers.ts';

export type { CliIo } from './io.ts';

/**
 * Adds login, logout, exec, logs, runs, hosts, groups, credentials, projects, jobs, notifications,
 * triggers, schedules, the audit log, workers, users and API tokens to the `orca` program.
 */
export function registerClientCommands(program: Command, io: CliIo = processIo()): void {
  // Program options only before a sub-command, so `orca jobs run x --version 2` means the job's
  // version 2, not `orca --version`.
  program.enablePositionalOptions();
  registerAuth(program, io);
  registerExec(program, io);
  registerLogs(program, io);
  registerRuns(program, io);
  registerHosts(program, io);
  registerGroups(program, io);
  registerCredentials(program, io);
  registerProjects(program, io);
  registerJobs(program, io);
  registerNotifications(program, io);
  registerTriggers(program, io);
  registerSchedules(program, io);
  registerAudit(program, io);
  registerWorkers(program, io);
  registerUsers(program, io);
  registerTokens(program, io);
}
