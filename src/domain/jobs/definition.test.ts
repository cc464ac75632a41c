import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { OrcaError } from '../errors.ts';
import { canonicalDefinition, jobSchemaJson, parseJobDocument, validateJobDefinition } from './definition.ts';
import type { StepSpec } from './types.ts';

/** The example from the seed's "JOB DEFINITION SCHEMA", as written there. */
const SEED_EXAMPLE = `{
  "name": "System Maintenance Job",
  "description": "Performs routine system maintenance tasks",
  "parameters": {
    "maintenance_type": { "type": "string", "default": "basic", "enum": ["basic", "full", "custom"] },
    "reboot_required": { "type": "boolean", "default": false }
  },
  "steps": [
    {
      "name": "Check System Status",
      "type": "winrm.exec",
      "config": {
        "command": "Get-ComputerInfo | Select-Object WindowsProductName, TotalPhysicalMemory",
        "timeout": 30
      }
    },
    {
      "name": "Update System",
      "type": "winrm.exec",
      "config": {
        "command": "Install-WindowsUpdate -AcceptAll -AutoReboot:\${{parameters.reboot_required}}",
        "timeout": 1800
      }
    }
  ]
}`;

const problems = (fn: () => unknown): { path: string; message: string }[] => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof OrcaError, `expected an OrcaError, got ${String(e)}`);
    assert.equal(e.code, 'validation');
    return e.details.map((d) => ({ path: d.path, message: d.message }));
  }
  assert.fail('expected the definition to be rejected');
};

const job = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ name: 'j', ...extra, steps });

test("the seed's example parses, as JSON and through the YAML reader", () => {
  for (const format of ['json', 'yaml', undefined] as const) {
    const { definition, warnings } = parseJobDocument(SEED_EXAMPLE, format);
    assert.deepEqual(warnings, []);
    assert.equal(definition.name, 'System Maintenance Job');
    assert.deepEqual(definition.parameters, [
      {
        name: 'maintenance_type',
        description: undefined,
        required: false,
        type: 'enum',
        values: ['basic', 'full', 'custom'],
        multiple: false,
        default: 'basic',
      },
      { name: 'reboot_required', description: undefined, required: false, type: 'boolean', default: false },
    ]);
    const [check, update] = definition.steps;
    assert.equal(check?.type, 'exec');
    assert.equal(check?.id, 'check-system-status');
    assert.equal(check?.timeoutSeconds, 30);
    assert.equal(update?.id, 'update-system');
    assert.equal(update?.timeoutSeconds, 1800);
    assert.deepEqual(update?.type === 'exec' && update.command, {
      default: 'Install-WindowsUpdate -AcceptAll -AutoReboot:${{parameters.reboot_required}}',
    });
  }
});

test('every seed alias normalises to its step type', () => {
  const cases: [string, Record<string, unknown>, StepSpec['type']][] = [
    ['ssh.exec', { command: 'uptime' }, 'exec'],
    ['winrm.exec', { command: 'Get-Date' }, 'exec'],
    ['ssh.copy', { source: 'a', destination: 'b' }, 'upload'],
    ['winrm.copy', { source: 'a', destination: 'b' }, 'upload'],
    ['sftp.upload', { source: 'a', destination: 'b' }, 'upload'],
    ['sftp.download', { source: '/var/log/app.log' }, 'download'],
    ['sftp.sync', { source: 'site/', destination: '/srv/site' }, 'sync'],
    ['exec', { command: 'x' }, 'exec'],
    ['script', { script: 'echo hi' }, 'script'],
    ['local', { command: 'make' }, 'local'],
  ];
  for (const [type, fields, expected] of cases) {
    const { definition } = validateJobDefinition(job([{ name: 'S', type, ...fields }]));
    assert.equal(definition.steps[0]?.type, expected, type);
  }
});

test('the nested config form and the flat form give the same definition', () => {
  const nested = validateJobDefinition(
    job([
      {
        name: 'Run',
        type: 'ssh.exec',
        config: {
          command: 'ls',
          timeout: 60,
          working_directory: '/tmp',
          environment: { A: '1', PORT: 8080 },
        },
      },
      { name: 'Push', type: 'sftp.upload', config: { local_path: 'dist/app', remote_path: '/opt/app' } },
    ]),
  );
  const flat = validateJobDefinition(
    job([
      { name: 'Run', type: 'exec', command: 'ls', timeout: 60, cwd: '/tmp', env: { A: '1', PORT: '8080' } },
      { name: 'Push', type: 'upload', source: 'dist/app', destination: '/opt/app' },
    ]),
  );
  assert.equal(canonicalDefinition(nested.definition), canonicalDefinition(flat.definition));
  const [run] = flat.definition.steps;
  assert.deepEqual(run?.env, { A: '1', PORT: '8080' });
  assert.equal(run?.cwd, '/tmp');
});

test('defaults: retries, condition, strategy, download artifact name, tags', () => {
  const { definition } = validateJobDefinition(
    job([
      { name: 'Fetch log', type: 'download', source: '/var/log/app.log', retries: 3 },
      { name: 'Always', type: 'exec', command: 'x', when: { step: 'fetch-log', is: 'failed' } },
    ]),
  );
  assert.equal(
    canonicalDefinition(definition).includes(
      '"strategy":{"allowConcurrentOnHost":false,"order":"hostFirst"}',
    ),
    true,
  );
  assert.deepEqual(definition.tags, []);
  const [fetch, always] = definition.steps;
  assert.deepEqual(fetch?.retry, { attempts: 3, backoffSeconds: 5, on: 'connection' });
  assert.equal(fetch?.type === 'download' && fetch.artifact, 'app.log');
  assert.deepEqual(fetch?.when, { kind: 'success' });
  assert.deepEqual(always?.when, { kind: 'step', step: 'fetch-log', outcomes: ['failed'] });
  assert.deepEqual(always?.retry, { attempts: 0, backoffSeconds: 5, on: 'connection' });
});

test('a command with linux and windows variants, and a later step using an earlier output', () => {
  const { definition, warnings } = validateJobDefinition(
    job(
      [
        {
          name: 'Build',
          type: 'exec',
          command: { linux: 'make ${{ parameters.target }}', windows: 'msbuild' },
        },
        {
          name: 'Report',
          type: 'exec',
          command: 'echo ${{ steps.build.stdout }} ${{ steps.build.exitCode }}',
        },
      ],
      { parameters: { target: { type: 'string' } } },
    ),
  );
  assert.deepEqual(warnings, []);
  const [build] = definition.steps;
  assert.deepEqual(build?.type === 'exec' && build.command, {
    default: undefined,
    linux: 'make ${{ parameters.target }}',
    windows: 'msbuild',
  });
});

test('${{ raw … }} is allowed and reported as a warning at its field', () => {
  const { warnings } = validateJobDefinition(
    job([{ name: 'A', type: 'exec', command: 'ls ${{ raw parameters.flags }}' }], {
      parameters: { flags: { type: 'string' } },
    }),
  );
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.path, 'steps[0].command');
  assert.match(
    warnings[0]?.message ?? '',
    /\$\{\{ raw parameters\.flags \}\} is inserted without shell quoting/,
  );
});

test('a YAML syntax error names the line and column', () => {
  const text = 'name: demo\nsteps:\n  - name: a\n    type: exec\n   command: [oops\n';
  const [first] = problems(() => parseJobDocument(text));
  assert.equal(first?.path, '(root)');
  assert.match(first?.message ?? '', /^syntax error at line 5, column \d+: /);
});

test('a duplicate YAML key is a syntax error on its line', () => {
  const [first] = problems(() => parseJobDocument('name: a\nname: b\nsteps: []\n'));
  assert.match(first?.message ?? '', /line 2, column 1: Map keys must be unique/);
});

test('a JSON syntax error names the line and column', () => {
  const [first] = problems(() => parseJobDocument('{\n  "name": "x",\n  "steps": [,]\n}', 'json'));
  assert.match(first?.message ?? '', /^syntax error at line 3, column 13: /);
});

test('an empty document says what a job needs', () => {
  assert.deepEqual(
    problems(() => parseJobDocument('')),
    [{ path: '(root)', message: 'the document is empty; a job needs at least a name and steps' }],
  );
});

test('every problem is reported at once, in document order, once each', () => {
  const details = problems(() =>
    parseJobDocument(`
name: deploy
tags: [web, web]
parameters:
  version: { type: string, minLenght: 1 }
strategy: { batchSize: 0, order: random }
steps:
  - name: Build
    type: exce
  - name: Ship
    type: exec
    command: deploy \${{ parameters.versoin }}
    timeout: -5
    when: { step: later, is: succeeded }
  - name: later
    type: exec
    command: x
`),
  );
  assert.deepEqual(details, [
    { path: 'tags[1]', message: 'repeats item 0; each must appear once' },
    {
      path: 'parameters.version.minLenght',
      message: 'is not a property of a string parameter; did you mean "minLength"?',
    },
    { path: 'strategy.batchSize', message: 'must be a positive integer (got 0)' },
    {
      path: 'strategy.order',
      message: 'must be one of hostFirst, stepFirst (got "random")',
    },
    {
      path: 'steps[0].type',
      message:
        'must be one of exec, script, upload, download, sync, local, ssh.exec, winrm.exec, ssh.copy, winrm.copy, sftp.upload, sftp.download, sftp.sync (got "exce"); did you mean "exec"?',
    },
    {
      path: 'steps[1].command',
      message:
        '${{ parameters.versoin }} names a parameter "versoin" that is not declared; declared: version',
    },
    { path: 'steps[1].timeout', message: 'must be a positive integer (got -5)' },
    {
      path: 'steps[1].when.step',
      message: 'refers to steps[2] ("later"), which runs later; only earlier steps can be used',
    },
  ]);
});

test('the error message summarises the first problems', () => {
  try {
    validateJobDefinition({ steps: [{ name: 'a', type: 'exec', command: 'x', timeout: 0 }] });
    assert.fail('accepted');
  } catch (e) {
    assert.ok(e instanceof OrcaError);
    assert.equal(
      e.message,
      'invalid job definition: name: is required; steps[0].timeout: must be a positive integer (got 0)',
    );
  }
});

test('the canonical form ignores key order and spelled-out defaults', () => {
  const a = parseJobDocument(`
name: deploy
parameters:
  env: { type: string, enum: [dev, prod], default: dev }
strategy: { maxParallel: 5, order: hostFirst }
steps:
  - { name: Ship, type: exec, command: deploy, timeout: 60 }
`).definition;
  const b = parseJobDocument(`
steps:
  - type: ssh.exec
    timeout: 60
    command: deploy
    name: Ship
    id: ship
    continueOnError: false
    when: success
    retries: 0
strategy: { order: hostFirst, maxParallel: 5, allowConcurrentOnHost: false }
parameters:
  env: { default: dev, enum: [dev, prod], type: enum, required: false }
name: deploy
`).definition;
  assert.equal(canonicalDefinition(a), canonicalDefinition(b));
  const c = parseJobDocument(
    'name: deploy\nsteps:\n  - { name: Ship, type: exec, command: deploy, timeout: 61 }\n',
  );
  assert.notEqual(canonicalDefinition(a), canonicalDefinition(c.definition));
  assert.deepEqual(JSON.parse(canonicalDefinition(a)).steps[0].command, { default: 'deploy' });
});

test('docs/job-schema.json is the schema the code generates', () => {
  const committed = readFileSync(new URL('../../../docs/job-schema.json', import.meta.url), 'utf8');
  assert.deepEqual(
    JSON.parse(committed),
    JSON.parse(jobSchemaJson()),
    'docs/job-schema.json is out of date; regenerate it with `npx tsx scripts/job-schema.ts`',
  );
});

test('the complete example in docs/jobs.md is a valid job', () => {
  const doc = readFileSync(new URL('../../../docs/jobs.md', import.meta.url), 'utf8');
  const example = /## A complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, 'docs/jobs.md has no example under "A complete example"');
  const { definition, warnings } = parseJobDocument(example);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    definition.parameters.map((p) => p.type),
    ['string', 'enum', 'enum', 'integer', 'number', 'boolean', 'array', 'secret'],
  );
  assert.deepEqual(
    definition.steps.map((s) => `${s.id}:${s.type}`),
    [
      'build:local',
      'stop-service:exec',
      'upload-release:upload',
      'install:script',
      'migrate-database:exec',
      'start-service:exec',
      'collect-logs-on-failure:download',
    ],
  );
  assert.deepEqual(definition.strategy, {
    maxParallel: 10,
    batchSize: '25%',
    maxFailures: 1,
    order: 'hostFirst',
    allowConcurrentOnHost: false,
  });
});

test('a value placed where only some shells would refuse it is a warning naming them', () => {
  const { warnings } = validateJobDefinition(
    job([{ name: 'A', type: 'exec', command: 'echo ${{ parameters.v }} # ${{ parameters.v }}' }], {
      parameters: { v: { type: 'string' } },
    }),
  );
  assert.deepEqual(warnings, [
    {
      path: 'steps[0].command',
      message:
        '${{ parameters.v }} is inside a comment in sh and powershell, which would refuse it at run time; write it as a word of its own: orca quotes the value itself',
    },
  ]);
});
