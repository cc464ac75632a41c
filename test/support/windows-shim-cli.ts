/**
 * A Windows host behind OpenSSH, for tests on Linux: sshd's ForceCommand runs this for every exec
 * request, and it runs the client's command ($SSH_ORIGINAL_COMMAND) the way OpenSSH for Windows
 * does with its default shell, as a `cmd.exe /c` command line, through the WinRM test server's
 * cmd/PowerShell shim (so `powershell.exe -EncodedCommand …` and `cmd.exe /c …` both work), on
 * this process's stdin, stdout and stderr.
 * Usage: `node --import tsx windows-shim-cli.ts [COMPUTER [FILE_ROOT]]` (FILE_ROOT: where the shim's
 * file members put `C:\…`; the temp dir by default).
 *
 * Like a console program whose pipe is gone, it ends (killing what the shim started) when its
 * output cannot be written any more: the client closed the channel. SIGTERM and SIGHUP end it too.
 */
import { tmpdir, userInfo } from 'node:os';
import { runShimCommand } from './winrm-server/shim/index.ts';
import { type CommandIO, StdinPipe } from './winrm-server/shim/io.ts';
import { ProcessGroups } from './winrm-server/shim/processes.ts';

const computerName = process.argv[2] ?? 'WINSSH';
// Not a literal: the shim's options grow as it does, and the ones it knows are all given here.
const shimOptions = { progressRecords: false, fileRoot: process.argv[3] ?? tmpdir() };
const commandLine = process.env.SSH_ORIGINAL_COMMAND ?? '';
const abort = new AbortController();
const stdin = new StdinPipe();
const processes = new ProcessGroups();

/** Stops the shim and everything it started; the exit code says why. */
function end(code: number): never {
  abort.abort();
  processes.signalAll('SIGKILL');
  process.exit(code);
}

for (const stream of [process.stdout, process.stderr]) stream.on('error', () => end(141));
for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(signal, () => end(143));
process.stdin.on('data', (chunk: Buffer) => stdin.push(chunk, false));
process.stdin.on('end', () => stdin.push(Buffer.alloc(0), true));

const io: CommandIO = {
  identity: `${computerName}\\${userInfo().username}`.toLowerCase(),
  computerName,
  codepage: 65001,
  env: { ...process.env, COMPUTERNAME: computerName } as Record<string, string>,
  stdin,
  processes,
  abort: abort.signal,
  write: (stream, data) => (stream === 'stdout' ? process.stdout : process.stderr).write(data),
  drained: () => new Promise((resolve) => process.stdout.once('drain', () => resolve())),
};

runShimCommand(io, commandLine, shimOptions).then(
  (code) => {
    process.stdin.destroy();
    // A Windows exit code is a DWORD; a Linux exit status keeps its low 8 bits.
    process.exitCode = code & 0xff;
  },
  (error: unknown) => {
    process.stderr.write(`orca Windows-over-SSH test shim failed: ${String(error)}\r\n`);
    end(1);
  },
);
