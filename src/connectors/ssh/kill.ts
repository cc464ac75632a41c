/** Kills a remote process group through a second channel on the same connection. */
import type { Client as Ssh2Client } from 'ssh2';
import { killCommand } from './command.ts';

/**
 * Runs `kill -KILL -- -<pid>` (and friends) on the host. Resolves true once the kill command
 * has run, false if it could not be run within `timeoutMs` (e.g. the connection is dead or the
 * host refuses another channel). Never rejects.
 */
export function killProcessGroup(client: Ssh2Client, pid: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    try {
      client.exec(killCommand(pid), (error, channel) => {
        if (error) return finish(false);
        if (done) {
          channel.close();
          return;
        }
        let exitCode: number | null = null;
        channel.on('exit', (code: number | null) => {
          exitCode = code;
        });
        channel.on('close', () => finish(exitCode === 0));
        channel.on('error', () => {});
        // Nothing useful is printed; read it so the channel can close.
        channel.resume();
        channel.stderr.resume();
      });
    } catch {
      finish(false);
    }
  });
}
