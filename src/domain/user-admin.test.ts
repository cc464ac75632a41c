import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrcaError } from './errors.ts';
import { checkNewPassword, checkUserChange, checkUserDelete } from './user-admin.ts';

const admin = { id: 'a', username: 'root', role: 'admin', disabled: false } as const;
const other = { id: 'b', username: 'ann', role: 'admin', disabled: false } as const;

const refusal = (fn: () => void): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof OrcaError);
    return `${e.code}: ${e.message}`;
  }
  return 'allowed';
};

test('the last enabled admin cannot be demoted, disabled or deleted; with two admins one can', () => {
  assert.match(
    refusal(() => checkUserChange('b', admin, { role: 'viewer' }, ['a'])),
    /^conflict: root is the last/,
  );
  assert.match(
    refusal(() => checkUserChange('b', admin, { disabled: true }, ['a'])),
    /^conflict/,
  );
  assert.match(
    refusal(() => checkUserDelete('b', admin, ['a'], false)),
    /last enabled admin/,
  );
  assert.equal(
    refusal(() => checkUserChange('b', admin, { role: 'viewer' }, ['a', 'b'])),
    'allowed',
  );
  assert.equal(
    refusal(() => checkUserChange('a', admin, { role: 'operator' }, ['a', 'b'])),
    'allowed',
  );
});

test('an admin cannot disable or delete themself; audited users are disabled, not deleted', () => {
  assert.match(
    refusal(() => checkUserChange('a', admin, { disabled: true }, ['a', 'b'])),
    /^validation: body.disabled/,
  );
  assert.match(
    refusal(() => checkUserDelete('a', admin, ['a', 'b'], false)),
    /yourself/,
  );
  assert.match(
    refusal(() => checkUserDelete('a', other, ['a', 'b'], true)),
    /disable the user instead/,
  );
  assert.equal(
    refusal(() => checkUserDelete('a', other, ['a', 'b'], false)),
    'allowed',
  );
});

test('a new password must not contain the user name', () => {
  assert.match(
    refusal(() => checkNewPassword('body.newPassword', 'my-Root-password', 'root')),
    /body.newPassword/,
  );
  assert.equal(
    refusal(() => checkNewPassword('body.newPassword', 'correct horse battery', 'root')),
    'allowed',
  );
});
