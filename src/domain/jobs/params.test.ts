import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, type ErrorDetail, OrcaError } from '../errors.ts';
import { resolveParameterValues } from './params.ts';
import type { ParameterSpec } from './types.ts';

type StringSpec = Extract<ParameterSpec, { type: 'string' | 'secret' }>;

const str = (name: string, extra: Partial<Omit<StringSpec, 'name' | 'type'>> = {}): ParameterSpec => ({
  name,
  type: 'string',
  required: false,
  ...extra,
});

/** The details of the validation error `resolveParameterValues` throws. */
function problems(specs: readonly ParameterSpec[], input: unknown): ErrorDetail[] {
  try {
    resolveParameterValues(specs, input);
  } catch (error) {
    assert.ok(error instanceof OrcaError);
    assert.equal(error.code, ErrorCode.validation);
    return [...error.details];
  }
  assert.fail('expected a validation error');
}

const one = (spec: ParameterSpec, value: unknown) => problems([spec], { [spec.name]: value });

test('valid values come back typed, with defaults applied and optional ones without default left out', () => {
  const specs: ParameterSpec[] = [
    str('name'),
    { name: 'count', type: 'integer', required: true },
    { name: 'ratio', type: 'number', required: false, default: 0.5 },
    { name: 'force', type: 'boolean', required: false, default: false },
    {
      name: 'mode',
      type: 'enum',
      values: ['basic', 'full'],
      multiple: false,
      required: false,
      default: 'basic',
    },
    { name: 'note', type: 'string', required: false },
  ];
  assert.deepEqual(resolveParameterValues(specs, { name: 'web', count: 3 }), {
    values: { name: 'web', count: 3, ratio: 0.5, force: false, mode: 'basic' },
    secrets: [],
  });
  assert.deepEqual(resolveParameterValues([str('a', { default: 'x' })], undefined).values, { a: 'x' });
  assert.deepEqual(resolveParameterValues([str('a', { default: 'x' })], { a: undefined }).values, { a: 'x' });
});

test('input that is not an object is refused at parameters', () => {
  for (const input of [null, [], 'a=1', 3]) {
    const [p, ...rest] = problems([], input);
    assert.equal(rest.length, 0);
    assert.equal(p?.path, 'parameters');
    assert.match(p?.message ?? '', /^must be an object of parameter values/);
  }
});

test('unknown names and missing required values are errors, all reported at once', () => {
  const specs: ParameterSpec[] = [
    { name: 'version', type: 'string', required: true },
    { name: 'count', type: 'integer', required: true, maximum: 10 },
  ];
  assert.deepEqual(problems(specs, { versoin: '1.2', count: 11 }), [
    { path: 'parameters.versoin', message: 'is not a parameter of this job (known: version, count)' },
    { path: 'parameters.version', message: 'is required' },
    { path: 'parameters.count', message: 'must be at most 10' },
  ]);
  assert.deepEqual(problems([], { x: 1 }), [
    { path: 'parameters.x', message: 'is not a parameter of this job (this job has no parameters)' },
  ]);
});

test('the error message lists every problem', () => {
  const specs: ParameterSpec[] = [
    { name: 'a', type: 'string', required: true },
    { name: 'b', type: 'boolean', required: true },
  ];
  assert.throws(
    () => resolveParameterValues(specs, {}),
    (e: unknown) =>
      e instanceof OrcaError &&
      e.message === '2 parameter values are not valid: parameters.a: is required; parameters.b: is required',
  );
  assert.throws(
    () => resolveParameterValues(specs.slice(0, 1), {}),
    (e: unknown) => e instanceof OrcaError && e.message === 'parameters.a: is required',
  );
});

test('types are strict: "3" is not an integer and "true" not a boolean, and the message says so', () => {
  const count: ParameterSpec = { name: 'count', type: 'integer', required: true };
  assert.deepEqual(one(count, '3'), [
    {
      path: 'parameters.count',
      message: 'must be an integer, not the string "3" (values are not converted: send it without quotes)',
    },
  ]);
  assert.deepEqual(one({ name: 'f', type: 'boolean', required: true }, 'true'), [
    {
      path: 'parameters.f',
      message:
        'must be true or false, not the string "true" (values are not converted: send it without quotes)',
    },
  ]);
  assert.equal(one(str('s'), 3)[0]?.message, 'must be a string, not the number 3');
  assert.equal(
    one({ name: 'n', type: 'number', required: true }, true)[0]?.message,
    'must be a number, not the boolean true',
  );
  assert.equal(one(str('s'), null)[0]?.message, 'must be a string, not null');
  assert.equal(one(str('s'), { a: 1 })[0]?.message, 'must be a string, not an object');
});

test('strings: the pattern must match the whole value (u flag), lengths count code points', () => {
  const tag = str('tag', { pattern: '[a-z]+', minLength: 2, maxLength: 3 });
  assert.deepEqual(resolveParameterValues([tag], { tag: 'abc' }).values, { tag: 'abc' });
  assert.deepEqual(one(tag, 'ab1'), [
    { path: 'parameters.tag', message: 'must match the pattern [a-z]+ (the whole value)' },
  ]);
  assert.equal(one(tag, 'a')[0]?.message, 'must be at least 2 characters long');
  assert.equal(one(tag, 'abcd')[0]?.message, 'must be at most 3 characters long');
  // An alternation is anchored as a whole, not just its first branch.
  assert.equal(one(str('x', { pattern: 'a|b' }), 'ab').length, 1);
  // Three emoji are three characters (six UTF-16 units); \p{…} needs the u flag.
  const emoji = str('e', { pattern: '\\p{Extended_Pictographic}+', maxLength: 3 });
  assert.deepEqual(resolveParameterValues([emoji], { e: '🐋🐋🐋' }).values, { e: '🐋🐋🐋' });
  assert.equal(one(emoji, '🐋🐋🐋🐋')[0]?.message, 'must be at most 3 characters long');
  assert.match(one(str('x', { pattern: '(' }), 'a')[0]?.message ?? '', /the job's pattern \( is not valid/);
  assert.equal(one(str('x', { minLength: 1 }), '')[0]?.message, 'must be at least 1 character long');
});

test('a NUL character is refused in strings, secrets and array items', () => {
  const nul = 'must not contain a NUL character (it would cut the command short)';
  assert.equal(one(str('s'), 'a\0b')[0]?.message, nul);
  assert.equal(one({ name: 's', type: 'secret', required: true }, 'a\0')[0]?.message, nul);
  assert.equal(
    one({ name: 'l', type: 'array', items: 'string', required: true }, ['ok', '\0'])[0]?.message,
    `item 2 ${nul}`,
  );
});

test('integers must be safe integers within minimum and maximum', () => {
  const n: ParameterSpec = { name: 'n', type: 'integer', required: true, minimum: 1, maximum: 10 };
  assert.deepEqual(resolveParameterValues([n], { n: 10 }).values, { n: 10 });
  assert.equal(one(n, 0)[0]?.message, 'must be at least 1');
  assert.equal(one(n, 11)[0]?.message, 'must be at most 10');
  assert.equal(one(n, 2.5)[0]?.message, 'must be a whole number, not 2.5');
  const big: ParameterSpec = { name: 'n', type: 'integer', required: true };
  assert.match(
    one(big, 2 ** 53)[0]?.message ?? '',
    /^must be between -9007199254740991 and 9007199254740991/,
  );
  assert.equal(one(big, Number.NaN)[0]?.message, 'must be an integer, not NaN');
});

test('numbers must be finite, within minimum and maximum', () => {
  const n: ParameterSpec = { name: 'x', type: 'number', required: true, minimum: -1.5, maximum: 1.5 };
  assert.deepEqual(resolveParameterValues([n], { x: -1.5 }).values, { x: -1.5 });
  assert.equal(one(n, Number.POSITIVE_INFINITY)[0]?.message, 'must be a number, not Infinity');
  assert.equal(one(n, 1.6)[0]?.message, 'must be at most 1.5');
  assert.equal(one(n, -2)[0]?.message, 'must be at least -1.5');
});

test('a single enum takes one member and says which are allowed', () => {
  const mode: ParameterSpec = {
    name: 'mode',
    type: 'enum',
    values: ['basic', 'full', 'custom'],
    multiple: false,
    required: true,
  };
  assert.deepEqual(resolveParameterValues([mode], { mode: 'full' }).values, { mode: 'full' });
  assert.deepEqual(one(mode, 'Full'), [
    { path: 'parameters.mode', message: 'must be one of: basic, full, custom' },
  ]);
  assert.equal(
    one(mode, ['full'])[0]?.message,
    'must be one of: basic, full, custom (one value, not a list)',
  );
});

test('a multiple enum takes a list of distinct members', () => {
  const roles: ParameterSpec = {
    name: 'roles',
    type: 'enum',
    values: ['web', 'db'],
    multiple: true,
    required: true,
  };
  assert.deepEqual(resolveParameterValues([roles], { roles: ['db', 'web'] }).values, {
    roles: ['db', 'web'],
  });
  assert.deepEqual(resolveParameterValues([roles], { roles: [] }).values, { roles: [] });
  assert.equal(
    one(roles, 'web')[0]?.message,
    'must be a list of values from: web, db (not the string "web")',
  );
  assert.equal(
    one(roles, ['web', 'cache'])[0]?.message,
    'item 2 (the string "cache") must be one of: web, db',
  );
  assert.equal(one(roles, ['web', 'web'])[0]?.message, 'must list each value once: "web" is repeated');
});

test('arrays check item types and item counts', () => {
  const ports: ParameterSpec = {
    name: 'ports',
    type: 'array',
    items: 'integer',
    minItems: 1,
    maxItems: 2,
    required: true,
  };
  assert.deepEqual(resolveParameterValues([ports], { ports: [80, 443] }).values, { ports: [80, 443] });
  assert.equal(one(ports, [])[0]?.message, 'must have at least 1 item');
  assert.equal(one(ports, [1, 2, 3])[0]?.message, 'must have at most 2 items');
  assert.equal(
    one(ports, [80, '443'])[0]?.message,
    'item 2 must be an integer, not the string "443" (values are not converted: send it without quotes)',
  );
  assert.equal(one(ports, [1.5])[0]?.message, 'item 1 must be a whole number, not 1.5');
  assert.equal(one(ports, '80')[0]?.message, 'must be a list of integer values, not the string "80"');
  const names: ParameterSpec = { name: 'names', type: 'array', items: 'string', required: true };
  assert.equal(one(names, ['a', 1])[0]?.message, 'item 2 must be a string, not the number 1');
  const xs: ParameterSpec = { name: 'xs', type: 'array', items: 'number', required: true };
  assert.equal(one(xs, [Number.NaN])[0]?.message, 'item 1 must be a number, not NaN');
});

test('secrets are validated like strings, listed for masking, and never echoed in messages', () => {
  const token: ParameterSpec = { name: 'token', type: 'secret', required: true, minLength: 8 };
  const empty: ParameterSpec = { name: 'opt', type: 'secret', required: false, default: '' };
  assert.deepEqual(resolveParameterValues([token, empty], { token: 's3cr3t-value' }), {
    values: { token: 's3cr3t-value', opt: '' },
    secrets: ['s3cr3t-value'],
  });
  assert.equal(one(token, 12345678)[0]?.message, 'must be a string, not a number');
  const short = one(token, 'hunter2');
  assert.equal(short[0]?.message, 'must be at least 8 characters long');
  assert.ok(!JSON.stringify(short).includes('hunter2'));
  const patterned: ParameterSpec = { name: 'token', type: 'secret', required: true, pattern: '[0-9]+' };
  assert.ok(!JSON.stringify(one(patterned, 'hunter2')).includes('hunter2'));
});

test('a bad default is reported as the job default', () => {
  const n: ParameterSpec = { name: 'n', type: 'integer', required: false, default: 50, maximum: 10 };
  assert.deepEqual(problems([n], {}), [
    { path: 'parameters.n', message: "must be at most 10 (this is the job's default)" },
  ]);
});

test('a parameter named __proto__ is an ordinary value', () => {
  const spec = str('__proto__');
  const { values } = resolveParameterValues([spec], JSON.parse('{"__proto__":"x"}'));
  assert.equal(Object.getPrototypeOf(values), Object.prototype);
  assert.deepEqual(Object.entries(values), [['__proto__', 'x']]);
  assert.deepEqual(
    problems([], JSON.parse('{"__proto__":"x"}')).map((p) => p.path),
    ['parameters.__proto__'],
  );
});
