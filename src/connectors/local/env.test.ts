import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectorError } from '../connector.ts';
import { commandEnvironment, DEFAULT_PATH, inheritedEnvironment } from './env.ts';

test('only the listed variables are taken from the worker', () => {
  const worker = {
    PATH: '/opt/bin:/usr/bin',
    HOME: '/home/orca',
    LANG: 'C.UTF-8',
    DATABASE_URL: 'postgres://secret',
    ORCA_SECRET_KEY: 'k',
    TZ: '',
  };
  assert.deepEqual(inheritedEnvironment(worker), {
    PATH: '/opt/bin:/usr/bin',
    HOME: '/home/orca',
    LANG: 'C.UTF-8',
  });
});

test('the account fills HOME, USER and LOGNAME the worker lacks, and PATH has a default', () => {
  const env = inheritedEnvironment({ USER: 'svc' }, { HOME: '/root', USER: 'root', LOGNAME: 'root' });
  assert.deepEqual(env, { PATH: DEFAULT_PATH, HOME: '/root', USER: 'svc', LOGNAME: 'root' });
});

test("the step's env wins over baseEnv, which wins over the worker's", () => {
  const env = commandEnvironment(
    { PATH: '/usr/bin', HOME: '/h' },
    { PATH: '/base/bin', A: 'base', B: 'base' },
    { B: 'step', C: 'step' },
  );
  assert.deepEqual(env, { PATH: '/base/bin', HOME: '/h', A: 'base', B: 'step', C: 'step' });
});

test('a variable name the shell cannot use is refused without echoing the value', () => {
  for (const name of ['1X', 'A-B', 'A=B', '']) {
    assert.throws(
      () => commandEnvironment({}, undefined, { [name]: 'hunter2' }),
      (e: unknown) => e instanceof ConnectorError && e.kind === 'protocol' && !e.message.includes('hunter2'),
    );
  }
});
