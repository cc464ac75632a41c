import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimAt, claimValues, mapRole, parseRoleMap, safeReturnTo, usernameFrom } from './oidc-claims.ts';

test('a role map is group=role pairs; semicolons separate when group names hold commas', () => {
  assert.deepEqual(parseRoleMap('orca-admins=admin, orca-ops=operator,orca-view=viewer'), [
    { value: 'orca-admins', role: 'admin' },
    { value: 'orca-ops', role: 'operator' },
    { value: 'orca-view', role: 'viewer' },
  ]);
  assert.deepEqual(parseRoleMap('cn=admins,ou=groups=admin;cn=ops,ou=groups=operator'), [
    { value: 'cn=admins,ou=groups', role: 'admin' },
    { value: 'cn=ops,ou=groups', role: 'operator' },
  ]);
});

test('a bad role map entry is refused, naming it', () => {
  assert.throws(() => parseRoleMap('orca-admins=root'), /"orca-admins=root" must be/);
  assert.throws(() => parseRoleMap('orca-admins'), /"orca-admins" must be/);
  assert.throws(() => parseRoleMap('=admin'), /"=admin" must be/);
  assert.throws(() => parseRoleMap(' , '), /names no mapping/);
});

test('claims are found by their whole name first, then along a dotted path', () => {
  const claims = {
    groups: ['a'],
    realm_access: { roles: ['orca-ops'] },
    'https://example.com/groups': ['x'],
    resource_access: { orca: { roles: 'one' } },
  };
  assert.deepEqual(claimAt(claims, 'groups'), ['a']);
  assert.deepEqual(claimAt(claims, 'realm_access.roles'), ['orca-ops']);
  assert.deepEqual(claimAt(claims, 'https://example.com/groups'), ['x']);
  assert.equal(claimAt(claims, 'resource_access.orca.roles'), 'one');
  assert.equal(claimAt(claims, 'realm_access.missing'), undefined);
  assert.equal(claimAt(claims, 'groups.length'), undefined);
  assert.equal(claimAt(claims, 'constructor'), undefined);
  assert.deepEqual(claimValues('one'), ['one']);
  assert.deepEqual(claimValues(['a', 2, { b: 1 }, null]), ['a', '2']);
  assert.deepEqual(claimValues(undefined), []);
});

test('the highest matching role wins; no match gives the default role or null', () => {
  const map = parseRoleMap('view=viewer,ops=operator,admins=admin');
  assert.equal(mapRole(['view', 'admins', 'ops'], map, null), 'admin');
  assert.equal(mapRole(['ops', 'other'], map, null), 'operator');
  assert.equal(mapRole(['other'], map, null), null);
  assert.equal(mapRole([], map, 'viewer'), 'viewer');
  // A match above the default wins over it.
  assert.equal(mapRole(['ops'], map, 'viewer'), 'operator');
});

test('the user name is the first usable claim of the list', () => {
  const names = ['preferred_username', 'email', 'sub'];
  assert.equal(usernameFrom({ preferred_username: 'alice', email: 'a@x', sub: '1' }, names), 'alice');
  assert.equal(usernameFrom({ preferred_username: '  ', email: 'a@x', sub: '1' }, names), 'a@x');
  assert.equal(usernameFrom({ preferred_username: 'a\nb', sub: '1' }, names), '1');
  assert.equal(usernameFrom({ email: 'x'.repeat(200), sub: 's' }, names), 's');
  assert.equal(usernameFrom({}, names), null);
});

test('returnTo keeps paths of this site only', () => {
  assert.equal(safeReturnTo('/runs?status=failed#top'), '/runs?status=failed#top');
  assert.equal(safeReturnTo(undefined), '/');
  assert.equal(safeReturnTo('/hosts/ü?q=ä'), '/hosts/%C3%BC?q=%C3%A4');
  for (const bad of [
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    'runs',
    '/a\r\nb',
    '/\t/evil.example',
  ]) {
    assert.equal(safeReturnTo(bad), '/', bad);
  }
});
