/** Runs WinRS command lines through the shim alone, for the shim's own tests: no HTTP, no NTLM. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { powershellCommandLine } from '../../../../src/connectors/windows/powershell.ts';
import { runShimCommand } from './index.ts';
import { type CommandIO, StdinPipe } from './io.ts';
import { ProcessGroups } from './processes.ts';

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ShimRunOptions {
  readonly stdin?: string;
  readonly codepage?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** A shim with its own file root (removed after the test file), as user `wintest\testuser`. */
export function shimHarness() {
  const fileRoot = mkdtempSync(join(tmpdir(), 'orca-shim-files-'));
  after(() => rmSync(fileRoot, { recursive: true, force: true }));

  async function shim(commandLine: string, options: ShimRunOptions = {}): Promise<Ran> {
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const stdin = new StdinPipe();
    const processes = new ProcessGroups();
    const io: CommandIO = {
      identity: 'wintest\\testuser',
      computerName: 'WINTEST',
      codepage: options.codepage ?? 65001,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        COMPUTERNAME: 'WINTEST',
        PROCESSOR_ARCHITECTURE: 'AMD64',
        ...options.env,
      },
      stdin,
      processes,
      abort: new AbortController().signal,
      write: (stream, data) => {
        out[stream].push(data);
        return true;
      },
      drained: async () => {},
    };
    if (options.stdin !== undefined) stdin.push(Buffer.from(options.stdin, 'utf8'), true);
    const code = await runShimCommand(io, commandLine, { progressRecords: false, fileRoot });
    assert.equal(processes.running, 0);
    return {
      code,
      stdout: Buffer.concat(out.stdout).toString('utf8'),
      stderr: Buffer.concat(out.stderr).toString('utf8'),
    };
  }

  /** A script through orca's own PowerShell wrapper and -EncodedCommand. */
  const ps = (script: string, options?: ShimRunOptions) => shim(powershellCommandLine(script), options);
  return { fileRoot, shim, ps };
}
