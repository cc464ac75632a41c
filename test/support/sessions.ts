/** Logging in over HTTP as a browser does (cookie + CSRF), from a chosen address; users made through the API. */
import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';

export interface Login {
  status: number;
  cookie: string;
  csrf: string;
  setCookie: string;
  body: { error?: { message: string }; user?: { role: string } };
  retryAfter: string | null;
}

/** A login from `address` (sent as X-Forwarded-For: the app must trust its loopback proxy). */
export async function login(
  app: TestApp,
  username: string,
  password: string,
  address = '10.0.0.1',
): Promise<Login> {
  const res = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as Login['body'] & { csrfToken?: string };
  return {
    status: res.status,
    cookie: setCookie.split(';')[0] ?? '',
    csrf: body.csrfToken ?? '',
    setCookie,
    body,
    retryAfter: res.headers.get('retry-after'),
  };
}

/** A request through a browser session (cookie + CSRF header). */
export async function asSession(
  app: TestApp,
  s: Login,
  path: string,
  init: { method?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${app.url}/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

export interface UserDetail {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  lastLoginAt: string | null;
  lockedUntil: string | null;
}

export async function createUser(app: TestApp, username: string, role: string, password?: string) {
  const res = await app.api('/users', { body: { username, role, ...(password && { password }) } });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { user: UserDetail; password: string | null };
}
