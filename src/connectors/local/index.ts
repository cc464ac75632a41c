/**
 * The `local` connector: commands of `local` job steps run on the worker itself, through
 * `/bin/sh -c`, each in a process group of its own so that a timeout or cancel kills the whole tree
 * (SIGTERM, then SIGKILL 2 s later). stdin is closed.
 *
 * The environment is NOT the worker's, which holds DATABASE_URL, ORCA_SECRET_KEY and the like.
 * A command gets only PATH, HOME, USER, LOGNAME, LANG, LC_ALL, TMPDIR and TZ from the worker (those
 * it has; HOME, USER and LOGNAME from the account when unset, PATH a default), then `baseEnv`, then
 * the step's own `env`, later ones winning.
 *
 * `put` and `get` are filesystem copies on the worker, checked with SHA-256 like the remote ones.
 */
import { userInfo } from 'node:os';
import {
  type Connector,
  ConnectorError,
  FailureKind,
  type PutOptions,
  type PutResult,
  type Session,
} from '../connector.ts';
import { commandEnvironment, inheritedEnvironment } from './env.ts';
import { execLocal } from './exec.ts';
import { getLocal, type LocalGetOptions, type LocalGetResult, putLocal } from './files.ts';

export type { LocalGetOptions, LocalGetResult };

export interface LocalOptions {
  /** Variables every command gets, on top of the few taken from the worker. */
  readonly baseEnv?: Readonly<Record<string, string>> | undefined;
}

/** A local session; `put` and `get` are always there (they are optional on other sessions). */
export interface LocalSession extends Session {
  put(localPath: string, remotePath: string, options?: PutOptions): Promise<PutResult>;
  get(remotePath: string, options: LocalGetOptions): Promise<LocalGetResult>;
}

/** The connector for `local` steps; `open` ignores the target and the secret. */
export function createLocalConnector(options: LocalOptions = {}): Connector {
  return { open: async () => openLocalSession(options) };
}

export function openLocalSession(options: LocalOptions = {}): LocalSession {
  // The one read of the worker's environment, and only of the names listed in env.ts.
  const inherited = inheritedEnvironment(process.env, accountDefaults());
  const running = new Set<(error: ConnectorError) => void>();
  let alive = true;
  const ensureOpen = () => {
    if (!alive) throw new ConnectorError(FailureKind.protocol, 'the local session is closed; open a new one');
  };
  const session: LocalSession = {
    hostKey: null,
    get alive() {
      return alive;
    },
    async exec(command, o) {
      ensureOpen();
      return execLocal(command, o, {
        shell: '/bin/sh',
        // Secret variables are the child's environment like the others: never in its argv.
        env: commandEnvironment(inherited, options.baseEnv, { ...o.env, ...o.secretEnv }),
        track(stop) {
          running.add(stop);
          return () => running.delete(stop);
        },
      });
    },
    async put(localPath, remotePath, o) {
      ensureOpen();
      return putLocal(localPath, remotePath, o);
    },
    async get(remotePath, o) {
      ensureOpen();
      return getLocal(remotePath, o);
    },
    async close() {
      alive = false;
      const closing = new ConnectorError(
        FailureKind.protocol,
        'the local session was closed while the command ran; the command was killed',
      );
      for (const stop of running) stop(closing);
    },
  };
  return session;
}

/** HOME, USER and LOGNAME of the worker's account, for workers started without them. */
function accountDefaults(): Record<string, string> {
  try {
    const me = userInfo();
    return { HOME: me.homedir, USER: me.username, LOGNAME: me.username };
  } catch {
    return {}; // no passwd entry for this uid
  }
}
