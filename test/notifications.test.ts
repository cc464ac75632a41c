/**
 * Notifications end to end: rules through the API, real runs on a real sshd host, webhooks to a
 * loopback HTTP receiver (signed, failing, down) and email to a loopback SMTP server.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { startTestApp, type TestApp } from './support/app.ts';
import { registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { createJob, launch, waitForJobRun } from './support/jobs.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP receiver whose answers the test scripts: each request takes the next status (last repeats). */
class Receiver {
  readonly requests: Received[] = [];
  statuses: number[] = [200];
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body });
        const status = this.statuses.length > 1 ? this.statuses.shift()! : (this.statuses[0] ?? 200);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

interface Mail {
  readonly to: string[];
  readonly text: string;
}

let app: TestApp;
let sshd: SshdHandle;
const receiver = new Receiver();
const mails: Mail[] = [];
let smtp: SMTPServer;
let smtpPort = 0;
/** A port where nothing listens: a receiver that is down. */
let downPort = 0;

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => {
        text += c;
      });
      stream.on('end', () => {
        // Quoted-printable soft line breaks joined again.
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text: text.replace(/=\r\n/g, '') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  downPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await receiver.start();
  [app, sshd] = await Promise.all([
    startTestApp({
      env: {
        ORCA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        ORCA_SMTP_FROM: 'orca <orca@example.test>',
        ORCA_NOTIFY_ATTEMPTS: '3',
        ORCA_NOTIFY_BACKOFF_MS: '50',
        ORCA_NOTIFY_TIMEOUT_MS: '3000',
        ORCA_PUBLIC_URL: 'https://orca.example.test/',
      },
    }),
    startSshd(),
  ]);
  await registerSshd(app, sshd, 'web-1');
});
after(async () => {
  await app?.stop();
  await Promise.all([sshd?.stop(), receiver.stop(), new Promise<void>((r) => smtp?.close(() => r()))]);
});

interface RuleView {
  id: string;
  name: string;
  kind: string;
  signed: boolean;
  events: string[];
  job: { id: string; name: string } | null;
}

interface DeliveryView {
  id: string;
  ruleName: string;
  runId: string;
  event: string;
  status: string;
  attempts: number;
  lastError: string | null;
  responseStatus: number | null;
}

async function addRule(body: Record<string, unknown>): Promise<RuleView> {
  const res = await app.api('/notifications', { body });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text) as RuleView;
}

async function removeRule(id: string): Promise<void> {
  assert.equal((await app.api(`/notifications/${id}`, { method: 'DELETE' })).status, 204);
}

async function deliveries(query: string): Promise<DeliveryView[]> {
  return (await (await app.api(`/notifications/deliveries?${query}`)).json()) as DeliveryView[];
}

/** Waits until every delivery of the run is delivered or failed. */
async function settled(runId: string, count: number): Promise<DeliveryView[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const list = await deliveries(`run=${runId}`);
    if (list.length >= count && list.every((d) => d.status !== 'pending')) return list;
    if (Date.now() > deadline) throw new Error(`deliveries still pending: ${JSON.stringify(list)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SECRET = 'a-webhook-signing-key-0123456789';

test('a signed webhook hears start and success of a run, with a summary and a link', async () => {
  const rule = await addRule({
    name: 'ops-hook',
    kind: 'webhook',
    url: receiver.url('/hook'),
    secret: SECRET,
    events: ['start', 'success', 'failure'],
  });
  assert.equal(rule.signed, true);
  assert.ok(!JSON.stringify(rule).includes(SECRET), 'the key is never returned');
  const listed = await (await app.api('/notifications')).text();
  assert.ok(!listed.includes(SECRET));

  receiver.requests.length = 0;
  const run = await startRun(app, 'echo hi', ['web-1']);
  const done = await waitForRun(app, run.id);
  assert.equal(done.status, 'succeeded');
  const log = await settled(run.id, 2);
  assert.deepEqual(log.map((d) => [d.event, d.status, d.attempts, d.responseStatus]).sort(), [
    ['start', 'delivered', 1, 200],
    ['success', 'delivered', 1, 200],
  ]);
  const got = receiver.requests.filter((r) => r.headers['x-orca-event'] === 'success');
  assert.equal(got.length, 1);
  const [req] = got;
  const expected = `sha256=${createHmac('sha256', SECRET).update(req!.body).digest('hex')}`;
  assert.equal(req!.headers['x-orca-signature'], expected, 'the signature verifies with the key');
  assert.equal(req!.headers['content-type'], 'application/json');
  const body = JSON.parse(req!.body);
  assert.equal(body.event, 'success');
  assert.equal(body.run.id, run.id);
  assert.equal(body.run.status, 'succeeded');
  assert.equal(body.run.url, `https://orca.example.test/runs/${run.id}`);
  assert.equal(body.run.counts.succeeded, 1);
  assert.deepEqual(body.run.failedHosts, []);
  await removeRule(rule.id);
});

test('a failing receiver is retried with backoff; one that is down ends failed; the run is never held up', async () => {
  receiver.requests.length = 0;
  receiver.statuses = [503, 200];
  const flaky = await addRule({
    name: 'flaky',
    kind: 'webhook',
    url: receiver.url('/flaky'),
    events: ['failure'],
  });
  const down = await addRule({
    name: 'down',
    kind: 'webhook',
    url: `http://127.0.0.1:${downPort}/nobody`,
    events: ['failure'],
  });
  const run = await startRun(app, 'echo broken >&2; exit 3', ['web-1']);
  const done = await waitForRun(app, run.id);
  assert.equal(done.status, 'failed');
  const log = await settled(run.id, 2);
  const by = Object.fromEntries(log.map((d) => [d.ruleName, d]));
  assert.deepEqual([by.flaky?.status, by.flaky?.attempts, by.flaky?.responseStatus], ['delivered', 2, 200]);
  assert.equal(by.down?.status, 'failed');
  assert.equal(by.down?.attempts, 3, 'ORCA_NOTIFY_ATTEMPTS attempts, then it gives up');
  assert.match(by.down?.lastError ?? '', /ECONNREFUSED/);
  const failure = receiver.requests.filter((r) => r.headers['x-orca-event'] === 'failure');
  assert.equal(failure.length, 2, 'the 503, then the retry');
  assert.equal(failure[0]!.headers['x-orca-signature'], undefined, 'no key, no signature');
  const body = JSON.parse(failure[1]!.body);
  assert.deepEqual(
    body.run.failedHosts.map((h: { name: string; status: string }) => [h.name, h.status]),
    [['web-1', 'failed']],
  );
  // The run finished before its notifications did: delivery never delays it.
  const finished = Date.parse((await (await app.api(`/runs/${run.id}`)).json()).finishedAt);
  const lastTry = Math.max(...log.map((d) => Date.parse((d as unknown as { updatedAt: string }).updatedAt)));
  assert.ok(finished <= lastTry);
  receiver.statuses = [200];
  await removeRule(flaky.id);
  await removeRule(down.id);
});

test('a client error is not retried', async () => {
  receiver.statuses = [404];
  const rule = await addRule({
    name: 'gone',
    kind: 'webhook',
    url: receiver.url('/gone'),
    events: ['success'],
  });
  const run = await startRun(app, 'true', ['web-1']);
  await waitForRun(app, run.id);
  const [d] = await settled(run.id, 1);
  assert.deepEqual([d?.status, d?.attempts, d?.responseStatus], ['failed', 1, 404]);
  assert.match(d?.lastError ?? '', /HTTP 404/);
  receiver.statuses = [200];
  await removeRule(rule.id);
});

test('email goes to the recipients through SMTP; a rule for one job ignores other runs', async () => {
  const job = await createJob(
    app,
    'name: nightly-backup\nsteps:\n  - { name: Dump, type: exec, command: "echo dumped" }\n',
  );
  const rule = await addRule({
    name: 'backup-mail',
    kind: 'email',
    recipients: ['ops@example.test', 'dba@example.test'],
    events: ['success', 'failure'],
    job: 'nightly-backup',
  });
  assert.equal(rule.job?.id, job.id);
  mails.length = 0;
  const adhoc = await startRun(app, 'true', ['web-1']);
  await waitForRun(app, adhoc.id);
  const run = await launch(app, job.id, { targets: { hosts: ['web-1'] } });
  assert.equal((await waitForJobRun(app, run.id)).status, 'succeeded');
  const [d] = await settled(run.id, 1);
  assert.equal(d?.status, 'delivered', d?.lastError ?? '');
  assert.equal(mails.length, 1, 'the ad-hoc run raised no mail');
  assert.deepEqual(mails[0]!.to.sort(), ['dba@example.test', 'ops@example.test']);
  assert.match(mails[0]!.text, /Subject: \[orca\] nightly-backup v1 succeeded/);
  assert.match(mails[0]!.text, /From: orca <orca@example\.test>/);
  assert.ok(mails[0]!.text.includes(`https://orca.example.test/runs/${run.id}`));
  assert.deepEqual(await deliveries(`run=${adhoc.id}`), []);
  await removeRule(rule.id);
});

test('rules are validated with the field named, and nothing is saved on a refusal', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'x', kind: 'webhook', url: 'ftp://host/x', events: ['success'] }, 'body.url'],
    [{ name: 'x', kind: 'webhook', url: receiver.url('/x'), events: [] }, 'body.events'],
    [{ name: 'x', kind: 'webhook', url: receiver.url('/x'), events: ['finished'] }, 'body.events'],
    [
      { name: 'x', kind: 'webhook', url: receiver.url('/x'), events: ['success'], secret: 'short' },
      'body.secret',
    ],
    [{ name: 'x', kind: 'email', recipients: ['not an address'], events: ['success'] }, 'body.recipients'],
    [
      { name: 'x', kind: 'email', recipients: ['a@b.test'], events: ['success'], url: receiver.url('/') },
      'body',
    ],
    [
      { name: 'x', kind: 'webhook', url: receiver.url('/x'), events: ['success'], job: 'no-such-job' },
      'body.job',
    ],
  ];
  for (const [body, path] of cases) {
    const res = await app.api('/notifications', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    const error = ((await res.json()) as { error: { details: { path: string }[] } }).error;
    assert.ok(
      error.details.some((d) => d.path.startsWith(path)),
      `${JSON.stringify(body)}: ${JSON.stringify(error.details)}`,
    );
  }
  assert.deepEqual(await (await app.api('/notifications')).json(), []);
  const a = await addRule({ name: 'dup', kind: 'webhook', url: receiver.url('/d'), events: ['success'] });
  const again = await app.api('/notifications', {
    body: { name: 'dup', kind: 'webhook', url: receiver.url('/d'), events: ['success'] },
  });
  assert.equal(again.status, 409);
  const patched = await app.api(`/notifications/${a.id}`, {
    method: 'PATCH',
    body: { recipients: ['a@b.test'] },
  });
  assert.equal(patched.status, 400);
  await removeRule(a.id);
});
