/** The audit log's pure part: action names from routes, and request bodies without secrets. Pure. */

/** Keys whose values are secrets wherever they appear in a body. */
const SECRET_KEY = /pass(word|phrase)?$|secret|token|private_?key|^key$|credential_?value/i;
const MAX_DEPTH = 8;
const MAX_STRING = 4096;

/** A copy of `value` with every secret-looking field as `***` and long text cut. */
export function redactBody(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '…';
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => redactBody(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY.test(k) && v !== null && v !== undefined && v !== '' ? '***' : redactBody(v, depth + 1);
    }
    return out;
  }
  return value;
}

const VERBS: Record<string, string> = { POST: 'create', PUT: 'replace', PATCH: 'update', DELETE: 'delete' };

/**
 * `POST /api/v1/hosts` → `hosts.create`; `PATCH /api/v1/hosts/:id` → `hosts.update`;
 * `POST /api/v1/runs/:id/cancel` → `runs.cancel`; `POST /api/v1/jobs/:id/runs` → `jobs.runs.create`.
 */
export function actionOf(method: string, route: string): string {
  const parts = route
    .replace(/^\/api\/v1\//, '')
    .split('/')
    .filter((p) => p !== '' && !p.startsWith(':'));
  if (parts.length === 0) return method.toLowerCase();
  const last = parts.at(-1) ?? '';
  const endsWithParam = route.split('/').at(-1)?.startsWith(':') ?? false;
  // A verb-like last segment after a parameter (`/runs/:id/cancel`) is the action itself.
  if (
    method === 'POST' &&
    parts.length > 1 &&
    !endsWithParam &&
    /^(cancel|retry|test|rollback|activate|deactivate|enable|disable|accept-host-key|apply|import|resolve|bulk|preview|logout|logout-all|login|password|unlock|revoke)$/.test(
      last,
    )
  ) {
    return `${parts.slice(0, -1).join('.')}.${last}`;
  }
  return `${parts.join('.')}.${VERBS[method] ?? method.toLowerCase()}`;
}
