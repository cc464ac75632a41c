import { type Case, exec, testCases, withSteps } from './definition-testing.ts';

const withV = (step: unknown) => ({ ...withSteps(step), parameters: { v: { type: 'string' } } });

/** Steps, their conditions and their \${{ … }} references. */
const CASES: Case[] = [
  ['step without name', withSteps({ type: 'exec', command: 'x' }), 'steps[0].name', 'is required'],
  ['step without type', withSteps({ name: 'a', command: 'x' }), 'steps[0].type', 'is required'],
  [
    'exec without command',
    withSteps({ name: 'a', type: 'exec' }),
    'steps[0].command',
    'is required for an exec step',
  ],
  [
    'script without script',
    withSteps({ name: 'a', type: 'script', interpreter: 'bash' }),
    'steps[0].script',
    'is required for a script step',
  ],
  [
    'upload without destination',
    withSteps({ name: 'a', type: 'sftp.upload', source: 'x' }),
    'steps[0].destination',
    'is required for an upload step',
  ],
  [
    'timeout in seconds as text',
    withSteps(exec({ timeout: '30s' })),
    'steps[0].timeout',
    'must be a positive integer (got "30s")',
  ],
  [
    'timeout zero in config',
    withSteps({ name: 'a', type: 'ssh.exec', config: { command: 'x', timeout: 0 } }),
    'steps[0].config.timeout',
    'must be a positive integer (got 0)',
  ],
  [
    'timeout both flat and in config',
    withSteps(exec({ timeout: 5, config: { timeout: 10 } })),
    'steps[0].config.timeout',
    'is also given as steps[0].timeout; give it once',
  ],
  [
    'command typo',
    withSteps({ name: 'a', type: 'exec', comand: 'x', command: 'y' }),
    'steps[0].comand',
    'is not a property of an exec step; did you mean "command"?',
  ],
  [
    'script field on an exec step',
    withSteps(exec({ interpreter: 'bash' })),
    'steps[0].interpreter',
    'does not apply to an exec step',
  ],
  [
    'cwd on an upload',
    withSteps({ name: 'a', type: 'upload', source: 'a', destination: 'b', cwd: '/' }),
    'steps[0].cwd',
    'does not apply to an upload step',
  ],
  [
    'seed property not supported',
    withSteps({
      name: 'a',
      type: 'sftp.upload',
      config: { local_path: 'a', remote_path: 'b', preserve_permissions: true },
    }),
    'steps[0].config.preserve_permissions',
    'is not a property of an upload step config; use timeout, source, destination, local_path or remote_path',
  ],
  [
    'command variants empty',
    withSteps(exec({ command: {} })),
    'steps[0].command',
    'must give at least one of default, linux, windows',
  ],
  [
    'command variant for another OS',
    withSteps(exec({ command: { macos: 'x' } })),
    'steps[0].command.macos',
    'is not a property of a per-OS command; use default, linux or windows',
  ],
  [
    'command a number',
    withSteps(exec({ command: 42 })),
    'steps[0].command',
    'must be a string or a per-OS command (a mapping with default, linux, windows) (got 42)',
  ],
  [
    'local command with variants',
    withSteps({ name: 'a', type: 'local', command: { linux: 'x' } }),
    'steps[0].command',
    'must be a string (got a mapping)',
  ],
  [
    'env value a list',
    withSteps(exec({ env: { A: [1] } })),
    'steps[0].env.A',
    'must be a string, a number or a boolean (got a list)',
  ],
  [
    'env name with a space',
    withSteps(exec({ env: { 'MY VAR': 'x' } })),
    'steps[0].env.MY VAR',
    'is not a valid name: it must use only letters, digits and _, and not start with a digit',
  ],
  [
    'id with a space',
    withSteps(exec({ id: 'my step' })),
    'steps[0].id',
    'must use only letters, digits, _ and -, and not start with - (got "my step")',
  ],
  [
    'duplicate explicit ids',
    withSteps(exec({ id: 'x' }), exec({ name: 'Other', id: 'x' })),
    'steps[1].id',
    '"x" is already the id of steps[0]; step ids must be unique',
  ],
  [
    'duplicate names giving one id',
    withSteps(exec({ name: 'Restart app' }), exec({ name: 'restart  APP' })),
    'steps[1].name',
    'gives the step id "restart-app", which steps[0] already has; add a unique id',
  ],
  [
    'retries negative',
    withSteps(exec({ retries: -1 })),
    'steps[0].retries',
    'must be a non-negative integer (got -1)',
  ],
  [
    'retries without attempts',
    withSteps(exec({ retries: { backoff: 2 } })),
    'steps[0].retries.attempts',
    'is required',
  ],
  [
    'retry backoff zero',
    withSteps(exec({ retries: { attempts: 2, backoff: 0 } })),
    'steps[0].retries.backoff',
    'must be a positive number (got 0)',
  ],
  [
    'retry on unknown failure',
    withSteps(exec({ retries: { attempts: 2, on: 'timeout' } })),
    'steps[0].retries.on',
    'must be one of connection, any (got "timeout")',
  ],
  [
    'continueOnError a string',
    withSteps(exec({ continueOnError: 'true' })),
    'steps[0].continueOnError',
    'must be true or false (got "true")',
  ],
  [
    'when misspelt',
    withSteps(exec({ when: 'allways' })),
    'steps[0].when',
    'must be one of success, failure, always or a step condition (a mapping with step, is) (got "allways"); did you mean "always"?',
  ],
  [
    'when on a later step',
    withSteps(exec({ when: { step: 'second', is: 'failed' } }), exec({ name: 'Second' })),
    'steps[0].when.step',
    'refers to steps[1] ("second"), which runs later; only earlier steps can be used',
  ],
  [
    'when on itself',
    withSteps(exec({ id: 'me', when: { step: 'me', is: 'failed' } })),
    'steps[0].when.step',
    'refers to this step itself; a step can only depend on earlier steps',
  ],
  [
    'when on an unknown step',
    withSteps(exec(), exec({ name: 'B', when: { step: 'buld', is: ['failed', 'skipped'] } })),
    'steps[1].when.step',
    'refers to a step "buld" that does not exist; earlier steps are run',
  ],
  [
    'when outcome unknown',
    withSteps(exec(), exec({ name: 'B', when: { step: 'run', is: 'done' } })),
    'steps[1].when.is',
    'must be one of succeeded, failed, skipped (got "done")',
  ],
  // references
  [
    'unknown parameter',
    withSteps(exec({ command: 'echo ${{ parameters.nope }}' })),
    'steps[0].command',
    '${{ parameters.nope }} names a parameter "nope" that is not declared; the job declares none',
  ],
  [
    'later step output',
    withSteps(exec({ command: 'echo ${{ steps.two.stdout }}' }), exec({ name: 'Two' })),
    'steps[0].command',
    '${{ steps.two.stdout }} refers to steps[1] ("two"), which runs later; only earlier steps can be used',
  ],
  [
    'unknown step output field',
    withSteps(exec(), exec({ name: 'B', command: 'echo ${{ steps.run.output }}' })),
    'steps[1].command',
    '${{ steps.run.output }}: a step has no output "output"; use one of stdout, stderr, exitCode, status',
  ],
  [
    'not an expression',
    withSteps(exec({ command: { windows: 'echo ${{ params.x }}' } })),
    'steps[0].command.windows',
    '${{ params.x }} is not an expression orca knows; write ${{ parameters.<name> }} or ${{ steps.<id>.stdout }}',
  ],
  [
    'unclosed expression',
    withSteps(exec({ env: { A: 'x ${{ parameters.p' } })),
    'steps[0].env.A',
    'has "${{" at offset 2 without a closing "}}"',
  ],
  [
    'reference in a seed config field',
    withSteps({ name: 'a', type: 'sftp.download', config: { remote_path: '/logs/${{ parameters.day }}' } }),
    'steps[0].config.remote_path',
    '${{ parameters.day }} names a parameter "day" that is not declared; the job declares none',
  ],
  [
    "a value inside the user's double quotes",
    withV({ name: 'a', type: 'exec', command: 'echo "${{ parameters.v }}"' }),
    'steps[0].command',
    '${{ parameters.v }} is inside double quotes, where its quoting would not hold; write it as a word of its own: orca quotes the value itself',
  ],
  [
    'a value inside single quotes of the linux variant',
    withV({ name: 'a', type: 'exec', command: { linux: "grep '${{ parameters.v }}' f", windows: 'x' } }),
    'steps[0].command.linux',
    '${{ parameters.v }} is inside single quotes, where its quoting would not hold; write it as a word of its own: orca quotes the value itself',
  ],
];

testCases(CASES);
