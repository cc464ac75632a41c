import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseProject, DEFAULT_PROJECT_ID, inScope, projectAccess, scopeAt } from './projects.ts';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const members = [
  { projectId: A, projectName: 'alpha', role: 'operator' as const },
  { projectId: B, projectName: 'beta', role: 'viewer' as const },
];

test('effective role is the lesser of the global role and the membership', () => {
  const operator = projectAccess('operator', members);
  assert.equal(operator.projects.get(A)?.role, 'operator');
  assert.equal(operator.projects.get(B)?.role, 'viewer');
  const viewer = projectAccess('viewer', members);
  assert.equal(viewer.projects.get(A)?.role, 'viewer');
});

test('a scope holds the projects where the caller has the role a route needs', () => {
  const operator = projectAccess('operator', members);
  assert.deepEqual(scopeAt(operator, 'viewer').ids, [A, B]);
  assert.deepEqual(scopeAt(operator, 'operator').ids, [A]);
  assert.deepEqual(scopeAt(operator, 'admin').ids, []);
  assert.equal(scopeAt(projectAccess('admin', []), 'admin').ids, null);
  assert.ok(inScope({ ids: null }, B));
  assert.ok(!inScope(scopeAt(operator, 'operator'), B));
});

test('a new resource goes to the named project, or the only one the caller may create in', () => {
  const operator = projectAccess('operator', members);
  assert.deepEqual(chooseProject(operator, 'operator', undefined), { ok: true, projectId: A });
  assert.equal((chooseProject(operator, 'operator', B) as { reason: string }).reason, 'read-only');
  assert.equal((chooseProject(operator, 'operator', 'nope') as { reason: string }).reason, 'unknown');
  const two = projectAccess('operator', [members[0]!, { ...members[1]!, role: 'operator' }]);
  const ambiguous = chooseProject(two, 'operator', undefined);
  assert.equal(ambiguous.ok, false);
  assert.match((ambiguous as { message: string }).message, /alpha, beta/);
  assert.equal(
    (chooseProject(projectAccess('operator', []), 'operator', undefined) as { reason: string }).reason,
    'none',
  );
  assert.deepEqual(chooseProject(projectAccess('admin', []), 'operator', undefined), {
    ok: true,
    projectId: DEFAULT_PROJECT_ID,
  });
});
