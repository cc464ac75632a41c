/** Retention deletes finished runs and artifacts past their age, never a run still going. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { applyRetention } from '../src/db/retention.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;

before(async () => {
  [app, sshd] = await Promise.all([startTestApp(), startSshd()]);
  await registerSshd(app, sshd, 'h1');
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
});

const db = () => app.database.handle.db;
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

async function count(table: 'runs' | 'executions' | 'execution_events' | 'artifacts', runId: string) {
  const q =
    table === 'execution_events'
      ? sql<{
          n: string;
        }>`select count(*) as n from execution_events e join executions x on x.id = e.execution_id where x.run_id = ${runId}`
      : table === 'runs'
        ? sql<{ n: string }>`select count(*) as n from runs where id = ${runId}`
        : sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where run_id = ${runId}`;
  return Number((await q.execute(db())).rows[0]?.n);
}

async function addArtifact(runId: string, executionId: string, createdAt: Date, name: string) {
  const row = await db()
    .insertInto('artifacts')
    .values({ run_id: runId, execution_id: executionId, step_index: 0, name, created_at: createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db()
    .insertInto('artifact_chunks')
    .values({ artifact_id: row.id, seq: 0, data: Buffer.from('payload') })
    .execute();
}

test('a finished run past the run retention goes with its executions, output and artifacts', async () => {
  const old = await waitForRun(app, (await startRun(app, 'echo old', ['h1'])).id);
  const recent = await waitForRun(app, (await startRun(app, 'echo recent', ['h1'])).id);
  assert.equal(old.status, 'succeeded');
  await db()
    .updateTable('runs')
    .set({ finished_at: daysAgo(40) })
    .where('id', '=', old.id)
    .execute();
  await addArtifact(old.id, old.executions[0]!.id, daysAgo(1), 'report.txt');
  assert.ok((await count('execution_events', old.id)) > 0);

  const gone = await applyRetention(db(), { runDays: 30, artifactDays: 0 });
  assert.equal(gone.runs, 1);
  for (const table of ['runs', 'executions', 'execution_events', 'artifacts'] as const)
    assert.equal(await count(table, old.id), 0, `${table} of the old run`);
  assert.equal(await count('runs', recent.id), 1);
  assert.equal((await count('execution_events', recent.id)) > 0, true);
  assert.equal((await app.api(`/runs/${old.id}`)).status, 404);
});

test('a run still running is kept however old it is; retention 0 keeps everything', async () => {
  const run = await startRun(app, 'sleep 30', ['h1']);
  await db()
    .updateTable('runs')
    .set({ created_at: daysAgo(400), finished_at: null })
    .where('id', '=', run.id)
    .execute();
  assert.equal((await applyRetention(db(), { runDays: 1, artifactDays: 1 })).runs, 0);
  assert.equal(await count('runs', run.id), 1);
  await app.api(`/runs/${run.id}/cancel`, { method: 'POST', body: {} });
  await waitForRun(app, run.id);
  await db()
    .updateTable('runs')
    .set({ finished_at: daysAgo(400) })
    .where('id', '=', run.id)
    .execute();
  assert.deepEqual(await applyRetention(db(), { runDays: 0, artifactDays: 0 }), { runs: 0, artifacts: 0 });
  assert.equal(await count('runs', run.id), 1);
});

test('artifacts past the artifact retention go; their run and newer artifacts stay', async () => {
  const run = await waitForRun(app, (await startRun(app, 'echo files', ['h1'])).id);
  const execution = run.executions[0]!.id;
  await addArtifact(run.id, execution, daysAgo(45), 'old.tar');
  await addArtifact(run.id, execution, daysAgo(2), 'new.tar');
  const gone = await applyRetention(db(), { runDays: 365, artifactDays: 30 });
  assert.equal(gone.artifacts, 1);
  const names = await db().selectFrom('artifacts').select('name').where('run_id', '=', run.id).execute();
  assert.deepEqual(
    names.map((n) => n.name),
    ['new.tar'],
  );
  const chunks = await sql<{ n: string }>`select count(*) as n from artifact_chunks`.execute(db());
  assert.ok(Number(chunks.rows[0]?.n) >= 1);
  assert.equal(await count('runs', run.id), 1);
});

test('a sweep works in batches and finishes a backlog larger than one batch', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++)
    ids.push((await waitForRun(app, (await startRun(app, `echo ${i}`, ['h1'])).id)).id);
  await db()
    .updateTable('runs')
    .set({ finished_at: daysAgo(90) })
    .where('id', 'in', ids)
    .execute();
  const gone = await applyRetention(db(), { runDays: 60, artifactDays: 0 }, new Date(), 2, 10);
  assert.ok(gone.runs >= 5, `deleted ${gone.runs}`);
  for (const id of ids) assert.equal(await count('runs', id), 0);
});
