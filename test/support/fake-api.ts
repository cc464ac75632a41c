/**
 * A stand-in orca API for the unit tests beside this file: an HTTP server whose answers the test
 * writes, and the live stream on a real WebSocket so reconnects can be provoked.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Execution, RunDetail, StepResult } from '../../src/http/schemas.ts';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface FakeReply {
  readonly status?: number;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as they are, instead of `body` (an artifact's bytes). */
  readonly bytes?: Buffer;
  readonly headers?: Record<string, string | string[]>;
}

export interface FakeApiOptions {
  /** Answers a request under /api/v1 (path without that prefix); undefined → 404. */
  http?: (req: FakeRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;
  /** Status to refuse the WebSocket upgrade with, or null to accept it. */
  refuseUpgrade?: (headers: IncomingHttpHeaders) => number | null;
  /** A stream connection opened; `index` counts connections from 0. */
  stream?: (socket: WebSocket, index: number, headers: IncomingHttpHeaders) => void;
}

export interface FakeApi {
  readonly url: string;
  readonly requests: FakeRequest[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export async function startFakeApi(options: FakeApiOptions): Promise<FakeApi> {
  const requests: FakeRequest[] = [];
  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: u.pathname.replace(/^\/api\/v1/, ''),
      query: u.searchParams,
      headers: req.headers,
      body: await bodyOf(req),
    };
    requests.push(request);
    const reply = (await options.http?.(request)) ?? {
      status: 404,
      body: { error: { code: 'not-found', message: 'no such route', details: [] } },
    };
    if (reply.bytes) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/octet-stream', ...reply.headers });
      res.end(reply.bytes);
      return;
    }
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  const wss = new WebSocketServer({ noServer: true });
  let connections = 0;
  server.on('upgrade', (req, socket, head) => {
    const refused = options.refuseUpgrade?.(req.headers) ?? null;
    if (refused !== null) {
      const body = JSON.stringify({
        error: { code: 'unauthenticated', message: 'the API token is unknown', details: [] },
      });
      socket.end(
        `HTTP/1.1 ${refused} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => options.stream?.(ws, connections++, req.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A RunDetail with one execution per host name, in the given statuses. */
export function fakeRun(
  id: string,
  status: RunDetail['status'],
  hosts: readonly {
    id: string;
    name: string;
    status?: Execution['status'];
    exitCode?: number | null;
    failureKind?: Execution['failureKind'];
    failureMessage?: string | null;
  }[],
): RunDetail {
  const at = '2024-01-01T00:00:00.000Z';
  const done = status !== 'queued' && status !== 'running';
  const executions: Execution[] = hosts.map((h) => ({
    id: h.id,
    hostId: null,
    hostName: h.name,
    status: h.status ?? status,
    failureKind: h.failureKind ?? null,
    failureMessage: h.failureMessage ?? null,
    exitCode: h.exitCode !== undefined ? h.exitCode : done ? 0 : null,
    outputBytes: 0,
    truncatedBytes: 0,
    createdAt: at,
    startedAt: at,
    finishedAt: done ? '2024-01-01T00:00:01.000Z' : null,
    batch: 0,
    workerId: null,
    pool: null,
    steps: [],
  }));
  const count = (s: string) => executions.filter((e) => e.status === s).length;
  return {
    id,
    projectId: '00000000-0000-4000-8000-000000000001',
    kind: 'adhoc',
    command: 'whoami',
    job: null,
    retryOf: null,
    retryMode: null,
    status,
    timeoutMs: 60_000,
    createdBy: null,
    createdAt: at,
    startedAt: at,
    finishedAt: done ? '2024-01-01T00:00:01.000Z' : null,
    priority: 0,
    counts: {
      total: executions.length,
      queued: count('queued'),
      running: count('running'),
      succeeded: count('succeeded'),
      failed: count('failed'),
      canceled: count('canceled'),
      skipped: count('skipped'),
      lost: count('lost'),
    },
    executions,
    steps: [],
    parameters: {},
    targets: null,
    artifacts: [],
  };
}

/** A job run of `fakeRun`'s shape: the job, its steps, and per host the results given. */
export function fakeJobRun(
  id: string,
  status: RunDetail['status'],
  hosts: Parameters<typeof fakeRun>[2],
  o: {
    job?: { id: string; name: string; version: number };
    steps?: readonly string[];
    results?: Readonly<Record<string, readonly Partial<StepResult>[]>>;
    parameters?: Record<string, unknown>;
    artifacts?: RunDetail['artifacts'];
    retryOf?: string;
  } = {},
): RunDetail {
  const base = fakeRun(id, status, hosts);
  const steps = (o.steps ?? ['who', 'deploy']).map((s, index) => ({
    index,
    id: s,
    name: `Step ${s}`,
    type: 'exec',
  }));
  return {
    ...base,
    kind: 'job',
    command: null,
    job: o.job ?? { id: '99999999-9999-4999-8999-999999999999', name: 'deploy', version: 3 },
    retryOf: o.retryOf ?? null,
    retryMode: o.retryOf ? 'failed' : null,
    steps,
    parameters: o.parameters ?? {},
    targets: { hosts: hosts.map((h) => h.name) },
    artifacts: o.artifacts ?? [],
    executions: base.executions.map((e) => ({
      ...e,
      steps: (o.results?.[e.hostName] ?? []).map((r, i) => ({
        index: i,
        id: steps[i]?.id ?? `s${i}`,
        name: steps[i]?.name ?? `s${i}`,
        type: 'exec',
        status: 'succeeded',
        attempts: 1,
        exitCode: 0,
        failureKind: null,
        failureMessage: null,
        tolerated: false,
        startedAt: '2024-01-01T00:00:00.000Z',
        finishedAt: '2024-01-01T00:00:00.250Z',
        durationMs: 250,
        ...r,
      })),
    })),
  };
}
