/** Parameter values from `-p` and files, converted per the job's parameter specs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import type { ParameterSpec } from '../domain/jobs/types.ts';
import {
  type Assignment,
  collectAssignment,
  convertParameters,
  parseParamsFile,
  splitList,
} from './params.ts';

const SPECS: ParameterSpec[] = [
  { name: 'version', type: 'string', required: true },
  { name: 'workers', type: 'integer', required: false, default: 4 },
  { name: 'drain', type: 'number', required: false },
  { name: 'migrate', type: 'boolean', required: false, default: false },
  { name: 'env', type: 'enum', values: ['staging', 'production'], multiple: false, required: false },
  { name: 'features', type: 'enum', values: ['search', 'billing', 'beta'], multiple: true, required: false },
  { name: 'ports', type: 'array', items: 'integer', required: false },
  { name: 'names', type: 'array', items: 'string', required: false },
  { name: 'token', type: 'secret', required: true, description: 'registry token' },
  { name: 'extra_secret', type: 'secret', required: false },
];

const p = (...args: string[]): Assignment[] =>
  args.reduce<Assignment[]>((all, a) => collectAssignment(a, all), []);

test('-p splits at the first =, keeps the rest of the value as it is, and refuses a missing name', () => {
  assert.deepEqual(p('a=b=c', 'empty=', 'sp= x '), [
    { name: 'a', text: 'b=c' },
    { name: 'empty', text: '' },
    { name: 'sp', text: ' x ' },
  ]);
  assert.throws(() => collectAssignment('novalue'), InvalidArgumentError);
  assert.throws(() => collectAssignment('=x'), InvalidArgumentError);
});

test('text becomes the type each parameter expects', () => {
  const r = convertParameters(
    SPECS,
    {},
    p(
      'version=1.10',
      'workers=+12',
      'drain=2.5',
      'migrate=YES',
      'env=production',
      'features=search, billing',
      'features=beta',
      'ports=80,443',
      'names=a b,c',
      'token=-',
    ),
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.values, {
    version: '1.10',
    workers: 12,
    drain: 2.5,
    migrate: true,
    env: 'production',
    features: ['search', 'billing', 'beta'],
    ports: [80, 443],
    names: ['a b', 'c'],
  });
  assert.deepEqual(r.ask, [
    { name: 'token', description: 'registry token', required: true },
    { name: 'extra_secret', description: undefined, required: false },
  ]);
  assert.deepEqual(r.exposed, []);
  for (const [text, value] of [
    ['no', false],
    ['False', false],
    ['true', true],
  ] as const) {
    assert.equal(convertParameters(SPECS, {}, p(`migrate=${text}`)).values.migrate, value);
  }
  assert.deepEqual(convertParameters(SPECS, {}, p('features=')).values.features, []);
  assert.deepEqual(convertParameters(SPECS, {}, p('drain=-1e3')).values.drain, -1000);
});

test('a hostile value is passed on exactly, as text', () => {
  const hostile = `'; touch /tmp/pwned #\n$(id) \`id\` "x"`;
  const r = convertParameters(SPECS, {}, p(`version=${hostile}`, 'names=$(id),;rm -rf /'));
  assert.equal(r.values.version, hostile);
  assert.deepEqual(r.values.names, ['$(id)', ';rm -rf /']);
});

test('text that is not of the type is named at parameters.<name>, every problem at once', () => {
  const r = convertParameters(
    SPECS,
    {},
    p(
      'workers=3.5',
      'drain=0x10',
      'migrate=maybe',
      'ports=80,http',
      'env=staging',
      'env=production',
      'nope=1',
      'token=-',
    ),
  );
  assert.deepEqual(r.problems, [
    {
      path: 'parameters.nope',
      message:
        'is not a parameter of this job (known: version, workers, drain, migrate, env, features, ports, names, token, extra_secret)',
    },
    { path: 'parameters.workers', message: 'must be a whole number, not "3.5"' },
    { path: 'parameters.drain', message: 'must be a number, not "0x10"' },
    { path: 'parameters.migrate', message: 'must be true or false (or yes, no), not "maybe"' },
    {
      path: 'parameters.env',
      message: 'is given 2 times with -p; only lists (enum with multiple, array) take several',
    },
    { path: 'parameters.ports', message: 'item 2 must be a whole number, not "http"' },
  ]);
  assert.match(
    convertParameters(SPECS, {}, p('workers=99999999999999999999')).problems[0]?.message ?? '',
    /must be between/,
  );
  assert.deepEqual(convertParameters([], {}, p('x=1')).problems, [
    { path: 'parameters.x', message: 'is not a parameter of this job (this job has no parameters)' },
  ]);
});

test('enum members, ranges and patterns are left to the server, which checks them again', () => {
  const r = convertParameters(SPECS, {}, p('env=qa', 'workers=-5', 'token=-'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.values, { env: 'qa', workers: -5 });
});

test('a secret typed on the command line is used but reported as exposed', () => {
  const r = convertParameters(SPECS, {}, p('token=hunter2', 'version=1'));
  assert.equal(r.values.token, 'hunter2');
  assert.deepEqual(r.exposed, ['token']);
  assert.deepEqual(
    r.ask.map((a) => a.name),
    ['extra_secret'],
  );
});

test('file values convert like -p text, typed ones pass as they are, and -p wins', () => {
  const file = {
    version: '2.0',
    workers: '8',
    drain: 1.5,
    migrate: 'no',
    features: ['search'],
    ports: ['22'],
    names: 'x, y',
    token: 'from-file',
  };
  const r = convertParameters(SPECS, file, p('workers=9'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.values, {
    version: '2.0',
    workers: 9,
    drain: 1.5,
    migrate: false,
    features: ['search'],
    ports: [22],
    names: ['x', 'y'],
    token: 'from-file',
  });
  assert.deepEqual(r.exposed, [], 'a secret in a file is not on the command line');
  assert.deepEqual(convertParameters(SPECS, { other: 1 }, []).problems[0]?.path, 'parameters.other');
});

test('a parameter called __proto__ stays a plain value', () => {
  const specs: ParameterSpec[] = [{ name: '__proto__', type: 'string', required: false }];
  const r = convertParameters(specs, {}, p('__proto__=x'));
  assert.equal(Object.getPrototypeOf(r.values), Object.prototype);
  assert.deepEqual(Object.entries(r.values), [['__proto__', 'x']]);
});

test('YAML files keep every scalar as text; JSON keeps its types; anything else is refused', () => {
  assert.deepEqual(
    parseParamsFile('p.yaml', 'version: 1.10\nmigrate: no\nworkers: 8\nfeatures: [search, beta]\nempty:\n'),
    { version: '1.10', migrate: 'no', workers: '8', features: ['search', 'beta'], empty: '' },
  );
  assert.deepEqual(parseParamsFile('p.json', '{"workers": 8, "migrate": false}'), {
    workers: 8,
    migrate: false,
  });
  assert.deepEqual(parseParamsFile('p.yml', ''), {});
  assert.throws(() => parseParamsFile('p.yaml', 'a: [\n'), /^Error: p\.yaml: not valid YAML: /);
  assert.throws(() => parseParamsFile('p.json', '{'), /p\.json: not valid JSON/);
  assert.throws(() => parseParamsFile('p.yaml', '- a\n- b\n'), /must be a mapping/);
  assert.deepEqual(splitList(' a ,, b ,'), ['a', 'b']);
});
