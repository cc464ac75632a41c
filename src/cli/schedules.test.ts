/** `orca schedules` against a fake API: what is sent, what is printed, errors naming fields. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { A, B, orca, withApi } from '../../test/support/cli-harness.ts';
import type { FakeRequest } from '../../test/support/fake-api.ts';
import { localTime } from './schedules.ts';

const at = '2026-03-28T01:30:00.000Z';
const job = {
  id: A,
  name: 'backup',
  description: null,
  category: null,
  tags: [],
  active: true,
  version: 2,
  createdBy: 'admin',
  createdAt: at,
  updatedAt: at,
};
const definition = {
  name: 'backup',
  parameters: [
    { name: 'keep', type: 'integer', required: false, default: 7 },
    { name: 'password', type: 'secret', required: false },
  ],
  steps: [],
};
const schedule = (extra: object = {}) => ({
  id: B,
  name: 'nightly',
  job: { id: A, name: 'backup', active: true },
  version: null,
  parameters: { keep: 3, password: '***' },
  targets: null,
  cron: '30 2 * * *',
  timeZone: 'Europe/Berlin',
  overlap: 'skip',
  misfire: 'skip',
  enabled: true,
  lastFireAt: at,
  nextFireAt: '2026-03-29T01:00:00.000Z',
  lastRun: { id: A, status: 'succeeded', createdAt: at },
  createdBy: 'admin',
  createdAt: at,
  updatedAt: at,
  ...extra,
});

function api(extra?: (req: FakeRequest) => object | undefined) {
  return (req: FakeRequest) => {
    const answer = extra?.(req);
    if (answer) return answer;
    if (req.path === '/jobs') return { body: [job] };
    if (req.path === `/jobs/${A}`) return { body: { ...job, definition } };
    if (req.path === '/schedules' && req.method === 'GET') return { body: [schedule()] };
    return undefined;
  };
}

test('schedules create converts typed values, sends job, cron, zone and policies', async (t) => {
  const fake = await withApi(t, {
    http: api((req) =>
      req.path === '/schedules' && req.method === 'POST' ? { status: 201, body: schedule() } : undefined,
    ),
  });
  const r = await orca([
    'schedules',
    'create',
    'nightly',
    '--job',
    'backup',
    '--cron',
    '30 2 * * *',
    '--tz',
    'Europe/Berlin',
    '-p',
    'keep=3',
    '--hosts',
    'db-*',
    '--overlap',
    'queue',
    '--misfire',
    'run-once',
    '--url',
    fake.url,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const sent = fake.requests.find((q) => q.path === '/schedules' && q.method === 'POST')?.body;
  assert.deepEqual(sent, {
    name: 'nightly',
    jobId: A,
    version: null,
    parameters: { keep: 3 },
    targets: { hosts: ['db-*'] },
    cron: '30 2 * * *',
    timeZone: 'Europe/Berlin',
    overlap: 'queue',
    misfire: 'run-once',
    enabled: true,
  });
  assert.match(r.stdout, /created schedule nightly; next fire/);
});

test('schedules create reports the fields the server refused and exits 2', async (t) => {
  const fake = await withApi(t, {
    http: api((req) =>
      req.path === '/schedules' && req.method === 'POST'
        ? {
            status: 400,
            body: {
              error: {
                code: 'validation',
                message: 'body.cron: not a valid cron expression',
                details: [{ path: 'body.cron', message: 'not a valid cron expression' }],
              },
            },
          }
        : undefined,
    ),
  });
  const r = await orca(['schedules', 'create', 'x', '--job', 'backup', '--cron', 'nope', '--url', fake.url]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /schedule x was not created/);
  assert.match(r.stderr, /body\.cron: not a valid cron expression/);
  const bad = await orca([
    'schedules',
    'create',
    'x',
    '--job',
    'backup',
    '--cron',
    '* * * * *',
    '-p',
    'keep=many',
    '--url',
    fake.url,
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /parameters\.keep/);
  assert.equal(fake.requests.filter((q) => q.method === 'POST').length, 1);
});

test('schedules list shows last run and next fire; show lists fires with their runs', async (t) => {
  const fake = await withApi(t, {
    http: api((req) =>
      req.path === `/schedules/${B}/fires`
        ? {
            body: [
              {
                id: A,
                fireAt: at,
                status: 'started',
                message: null,
                run: { id: A, status: 'succeeded' },
                createdAt: at,
                updatedAt: at,
              },
              {
                id: B,
                fireAt: '2026-03-27T01:30:00.000Z',
                status: 'skipped',
                message: 'skipped: the previous run is still running',
                run: null,
                createdAt: at,
                updatedAt: at,
              },
            ],
          }
        : undefined,
    ),
  });
  const list = await orca(['schedules', 'list', '--url', fake.url]);
  assert.equal(list.code, 0, list.stderr);
  const [header, row] = list.stdout.split('\n');
  assert.match(header ?? '', /^NAME\s+JOB\s+CRON\s+TIME ZONE\s+STATE\s+LAST RUN\s+NEXT/);
  assert.match(
    row ?? '',
    /^nightly\s+backup latest\s+30 2 \* \* \*\s+Europe\/Berlin\s+enabled\s+.*succeeded/,
  );
  const show = await orca(['schedules', 'show', 'nightly', '--url', fake.url]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /parameters:\s+keep=3 password=\*\*\*/);
  assert.match(show.stdout, new RegExp(`started\\s+${A} succeeded`));
  assert.match(show.stdout, /skipped\s+-\s+skipped: the previous run is still running/);
  assert.equal(fake.requests.find((q) => q.path.endsWith('/fires'))?.query.get('limit'), '10');
});

test('enable, disable and delete find the schedule by name', async (t) => {
  const fake = await withApi(t, {
    http: api((req) => {
      if (req.path === `/schedules/${B}/disable`)
        return { body: schedule({ enabled: false, nextFireAt: null }) };
      if (req.path === `/schedules/${B}/enable`) return { body: schedule() };
      if (req.path === `/schedules/${B}` && req.method === 'DELETE') return { status: 204 };
      return undefined;
    }),
  });
  assert.equal(
    (await orca(['schedules', 'disable', 'nightly', '--url', fake.url])).stdout,
    'nightly disabled\n',
  );
  assert.match(
    (await orca(['schedules', 'enable', 'nightly', '--url', fake.url])).stdout,
    /^nightly enabled; next fire/,
  );
  assert.equal(
    (await orca(['schedules', 'delete', 'nightly', '--url', fake.url])).stdout,
    'deleted schedule nightly\n',
  );
  const missing = await orca(['schedules', 'delete', 'weekly', '--url', fake.url]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no schedule named weekly/);
});

test('schedules preview prints each fire time with its wall time in the zone', async (t) => {
  const fake = await withApi(t, {
    http: (req) =>
      req.path === '/schedules/preview'
        ? {
            body: {
              fireTimes: ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
              timeZone: 'Europe/Berlin',
            },
          }
        : undefined,
  });
  const r = await orca([
    'schedules',
    'preview',
    '30 2 * * *',
    '--tz',
    'Europe/Berlin',
    '-n',
    '2',
    '--url',
    fake.url,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fake.requests[0]?.body, { cron: '30 2 * * *', timeZone: 'Europe/Berlin', count: 2 });
  assert.equal(
    r.stdout,
    '2026-03-29T01:00:00.000Z  2026-03-29 03:00:00 GMT+2\n2026-03-30T00:30:00.000Z  2026-03-30 02:30:00 GMT+2\n',
  );
  assert.equal(localTime('2026-11-01T05:30:00.000Z', 'America/New_York'), '2026-11-01 01:30:00 EDT');
});
