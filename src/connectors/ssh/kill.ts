/** Kills a remote process and its children through a second channel on the same connection. */
import type { Client as Ssh2Client } from 'ssh2';

/**
 * Runs the kill command for the host's OS (`kill -KILL -- -<pid>` and friends, or
 * `taskkill /F /T /PID <pid>`). Resolves true once it ran and exited 0, false if it failed or
 * could not be run within `timeoutMs` (e.g. the connection is dead or the host refuses another
 * channel). Never rejects.
 */
export function runKillCommand(client: Ssh2Client, command: string, timeoutMs: number): Promise<boolean> {
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
      client.exec(command, (error, channel) => {
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
