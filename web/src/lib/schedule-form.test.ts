import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterSpec } from '../api/job-types.ts';
import { formValuesOf, targetChoiceOf } from './schedule-form.ts';

const specs = [
  { name: 'keep', type: 'integer', required: false, default: 7 },
  { name: 'password', type: 'secret', required: false },
  { name: 'paths', type: 'array', required: false },
  { name: 'loud', type: 'boolean', required: false, default: false },
] as unknown as ParameterSpec[];

test('stored values fill the fields over the defaults; a masked secret stays masked', () => {
  assert.deepEqual(formValuesOf(specs, { keep: 3, password: '***', paths: ['/a', 2] }), {
    keep: 3,
    password: '***',
    paths: ['/a', '2'],
    loud: false,
  });
  assert.deepEqual(formValuesOf(specs, {}), { keep: 7, password: '', paths: [], loud: false });
});

test('targets become the picker choice', () => {
  assert.deepEqual(targetChoiceOf(null), { mode: 'default', hosts: [], selector: '' });
  assert.deepEqual(targetChoiceOf({ hosts: ['db-*'] }), { mode: 'hosts', hosts: ['db-*'], selector: '' });
  assert.deepEqual(targetChoiceOf({ selector: 'tag:web' }), {
    mode: 'selector',
    hosts: [],
    selector: 'tag:web',
  });
});
