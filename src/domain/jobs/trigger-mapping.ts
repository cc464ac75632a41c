/**
 * Inbound webhooks: the explicit mapping from a request's JSON body to parameter values. A path
 * is dotted names with optional `[n]` indices (`release.tag`, `commits[0].id`); only mapped
 * fields are read, everything else in the body is ignored. Pure.
 */

export type PathPart = string | number;

/** The parts of a path, or an error message saying what is wrong with it. */
export function parsePath(path: string): PathPart[] | string {
  if (path.length === 0 || path.length > 256) return 'a path is 1 to 256 characters';
  const parts: PathPart[] = [];
  const re = /([^.[\]]+)|\[(\d{1,6})\]|(\.)/gy;
  let expectName = true;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    m = re.exec(path);
    if (!m) return `unexpected ${JSON.stringify(path[at])} at ${at + 1}`;
    if (m[1] !== undefined) {
      if (!expectName) return `expected "." or "[" before ${JSON.stringify(m[1])} at ${at + 1}`;
      parts.push(m[1]);
      expectName = false;
    } else if (m[2] !== undefined) {
      if (expectName) return `an index needs a name before it, at ${at + 1}`;
      parts.push(Number(m[2]));
    } else {
      if (expectName) return `a name is missing at ${at + 1}`;
      expectName = true;
    }
    at = re.lastIndex;
  }
  if (expectName) return 'the path ends with "."';
  return parts;
}

/** The value at `parts` in `body`, or undefined when any step is missing. */
export function pick(body: unknown, parts: readonly PathPart[]): unknown {
  let value: unknown = body;
  for (const part of parts) {
    if (typeof part === 'number') {
      if (!Array.isArray(value)) return undefined;
      value = value[part];
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
      if (!Object.hasOwn(value, part)) return undefined;
      value = (value as Record<string, unknown>)[part];
    }
  }
  return value;
}

/**
 * The parameter values of one call: the fixed values, then each mapped field found in the body
 * (a field the body lacks leaves the parameter to its fixed value or default).
 */
export function mapParameters(
  mapping: Readonly<Record<string, string>>,
  fixed: Readonly<Record<string, unknown>>,
  body: unknown,
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...fixed };
  for (const [name, path] of Object.entries(mapping)) {
    const parts = parsePath(path);
    if (typeof parts === 'string') continue;
    const value = pick(body, parts);
    if (value !== undefined) values[name] = value;
  }
  return values;
}
