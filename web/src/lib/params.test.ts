import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterSpec } from '../api/job-types.ts';
import { constraintText, formatParamValue, initialValues, launchValues } from './params.ts';

const SPECS: ParameterSpec[] = [
  { name: 'version', type: 'string', required: true, pattern: '[0-9]+\\.[0-9]+' },
  { name: 'token', type: 'secret', required: false, minLength: 4 },
  { name: 'workers', type: 'integer', required: false, minimum: 1, maximum: 32, default: 4 },
  { name: 'ratio', type: 'number', required: false },
  { name: 'migrate', type: 'boolean', required: false, default: true },
  {
    name: 'env',
    type: 'enum',
    required: false,
    values: ['staging', 'production'],
    multiple: false,
    default: 'staging',
  },
  { name: 'features', type: 'enum', required: false, values: ['a', 'b'], multiple: true, default: ['a'] },
  { name: 'ports', type: 'array', required: false, items: 'integer', maxItems: 2 },
];

test('the form starts from the defaults, empty where there are none', () => {
  assert.deepEqual(initialValues(SPECS), {
    version: '',
    token: '',
    workers: 4,
    ratio: '',
    migrate: true,
    env: 'staging',
    features: ['a'],
    ports: [],
  });
});

test('values convert to their types; empty optional fields are left to the server', () => {
  const form = { ...initialValues(SPECS), version: '1.2', ports: ['80', '443'] };
  assert.deepEqual(launchValues(SPECS, form), {
    values: { version: '1.2', workers: 4, migrate: true, env: 'staging', features: ['a'], ports: [80, 443] },
    errors: {},
  });
});

test('problems are named per parameter, as the server words them', () => {
  const form = {
    ...initialValues(SPECS),
    token: 'ab',
    workers: 40,
    ratio: 'x',
    ports: ['80', '8.5', '1'],
  };
  assert.deepEqual(launchValues(SPECS, form).errors, {
    version: 'is required',
    token: 'must be at least 4 characters long',
    workers: 'must be at most 32',
    ratio: 'must be a number',
    ports: 'must have at most 2 items',
  });
  const pattern = launchValues(SPECS, { ...form, version: '1.2.x' }).errors.version;
  assert.equal(pattern, 'must match the pattern [0-9]+\\.[0-9]+ (the whole value)');
  assert.equal(
    launchValues(SPECS, { ...initialValues(SPECS), version: '1.0', ports: ['8.5'] }).errors.ports,
    'item 1 (8.5) must be an integer',
  );
});

test('a hostile string is just a value', () => {
  const specs: ParameterSpec[] = [{ name: 'msg', type: 'string', required: true }];
  const msg = "'; touch /tmp/pwned #";
  assert.deepEqual(launchValues(specs, { msg }), { values: { msg }, errors: {} });
});

test('a list emptied on purpose is sent as an empty list when there is a default', () => {
  const values = launchValues(SPECS, { ...initialValues(SPECS), version: '1.0', features: [] }).values;
  assert.deepEqual(values.features, []);
});

test('constraints and values read as text', () => {
  assert.equal(constraintText(SPECS[0] as ParameterSpec), 'pattern [0-9]+\\.[0-9]+');
  assert.equal(constraintText(SPECS[2] as ParameterSpec), '1 to 32');
  assert.equal(constraintText(SPECS[7] as ParameterSpec), 'integer values · at most 2 items');
  assert.equal(formatParamValue(['a', 'b']), 'a, b');
  assert.equal(formatParamValue(3), '3');
  assert.equal(formatParamValue('***'), '***');
});
