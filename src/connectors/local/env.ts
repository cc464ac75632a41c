/**
 * The environment a `local` command starts with: a few facts about the worker's user and locale,
 * never the worker's whole environment (which holds DATABASE_URL, ORCA_SECRET_KEY and the like).
 */
import { ConnectorError, FailureKind } from '../connector.ts';

/** The only variables taken over from the worker, when it has them. */
export const INHERITED_VARIABLES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'TZ',
] as const;

/** PATH for a command when the worker itself has none. */
export const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Vars = Readonly<Record<string, string | undefined>>;

/**
 * Picks the inherited variables out of the worker's environment, taking those it lacks from
 * `fallback` (the account's HOME, USER, LOGNAME) and PATH from {@link DEFAULT_PATH}.
 */
export function inheritedEnvironment(worker: Vars, fallback: Vars = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = worker[name] || fallback[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  out.PATH ??= DEFAULT_PATH;
  return out;
}

/**
 * The command's environment: `inherited`, then `baseEnv`, then the step's `env`, later ones winning.
 * A name the shell could not use is refused with `protocol` (the value is never quoted back).
 */
export function commandEnvironment(
  inherited: Readonly<Record<string, string>>,
  baseEnv: Readonly<Record<string, string>> | undefined,
  stepEnv: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...inherited };
  for (const vars of [baseEnv, stepEnv]) {
    for (const [name, value] of Object.entries(vars ?? {})) {
      if (!NAME.test(name)) {
        throw new ConnectorError(
          FailureKind.protocol,
          `${JSON.stringify(name)} is not a valid environment variable name; use letters, digits and _, not starting with a digit`,
        );
      }
      out[name] = value;
    }
  }
  return out;
}
