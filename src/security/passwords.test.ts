import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './passwords.ts';

test('passwords are hashed with argon2id and verify only with the right password', async () => {
  const hashed = await hashPassword('correct horse');
  assert.match(hashed, /^\$argon2id\$/);
  assert.equal(await verifyPassword(hashed, 'correct horse'), true);
  assert.equal(await verifyPassword(hashed, 'wrong horse'), false);
  assert.equal(await verifyPassword('not-a-hash', 'x'), false);
});
