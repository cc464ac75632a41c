import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, Http, query } from './http.ts';

function fakeFetch(status: number, body: unknown, seen: { url?: string; init?: RequestInit }[] = []) {
  return (async (url: string, init?: RequestInit) => {
    seen.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
}

test('sends JSON with the session cookie, and the CSRF header only on changes', async () => {
  const seen: { url?: string; init?: RequestInit }[] = [];
  const http = new Http({ fetch: fakeFetch(200, { ok: true }, seen) });
  http.csrfToken = 'tok';
  await http.request('GET', '/hosts');
  await http.request('POST', '/hosts', { name: 'a' });
  const [get, post] = seen;
  const headers = (call: typeof get) => (call?.init?.headers ?? {}) as Record<string, string>;
  assert.equal(get?.url, '/api/v1/hosts');
  assert.equal(get?.init?.credentials, 'same-origin');
  assert.equal(headers(get)['x-csrf-token'], undefined);
  assert.equal(headers(post)['x-csrf-token'], 'tok');
  assert.equal(post?.init?.body, '{"name":"a"}');
});

test('an error body becomes an ApiError with field errors', async () => {
  const body = {
    error: {
      code: 'validation',
      message: 'body.port: must be <= 65535',
      details: [
        { path: 'body.port', message: 'must be <= 65535' },
        { path: 'body.targets.hosts[0]', message: 'unknown host' },
      ],
    },
  };
  const http = new Http({ fetch: fakeFetch(400, body) });
  const error = await http.request('POST', '/hosts', {}).catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 400);
  assert.equal(error.code, 'validation');
  assert.equal(error.message, 'body.port: must be <= 65535');
  assert.deepEqual(error.fieldErrors(), { port: 'must be <= 65535', targets: 'unknown host' });
  assert.deepEqual(error.pathErrors(), { port: 'must be <= 65535', 'targets.hosts[0]': 'unknown host' });
});

test('a 401 reports the lost session unless the call is the session probe', async () => {
  let lost = 0;
  const body = { error: { code: 'unauthenticated', message: 'log in', details: [] } };
  const http = new Http({ fetch: fakeFetch(401, body), onUnauthorized: () => lost++ });
  await http.request('GET', '/hosts').catch(() => {});
  await http.request('GET', '/auth/me', undefined, { quiet401: true }).catch(() => {});
  assert.equal(lost, 1);
});

test('a non-JSON failure still says what happened', async () => {
  const http = new Http({
    fetch: (async () => new Response('<html>bad gateway</html>', { status: 502 })) as unknown as typeof fetch,
  });
  const error = await http.request('GET', '/hosts').catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 502);
});

test('204 resolves to undefined; query strings skip empty values', async () => {
  const http = new Http({ fetch: fakeFetch(204, undefined) });
  assert.equal(await http.request('DELETE', '/tokens/x'), undefined);
  assert.equal(query({ limit: 50, before: undefined, status: '' }), '?limit=50');
  assert.equal(query({}), '');
});
