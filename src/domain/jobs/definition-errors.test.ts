import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrcaError } from '../errors.ts';
import { validateJobDefinition } from './definition.ts';
import { type Case, exec, testCases, withParam, withSteps, withStrategy } from './definition-testing.ts';

/** The document, its parameters, targets and strategy. */
const CASES: Case[] = [
  ['name missing', { steps: [exec()] }, 'name', 'is required'],
  ['name blank', { name: '  ', steps: [exec()] }, 'name', 'must not be blank (got "  ")'],
  ['name not a string', { name: 7, steps: [exec()] }, 'name', 'must be a string (got 7)'],
  ['steps missing', { name: 'demo' }, 'steps', 'is required'],
  ['steps empty', withSteps(), 'steps', 'must not be an empty list'],
  ['steps not a list', { name: 'demo', steps: { a: 1 } }, 'steps', 'must be a list (got a mapping)'],
  [
    'unknown top-level property',
    { name: 'demo', step: [], steps: [exec()] },
    'step',
    'is not a property of a job definition; did you mean "steps"?',
  ],
  [
    'tags repeated',
    { name: 'demo', tags: ['a', 'b', 'a'], steps: [exec()] },
    'tags[2]',
    'repeats item 0; each must appear once',
  ],
  ['empty tag', { name: 'demo', tags: [''], steps: [exec()] }, 'tags[0]', 'must not be empty'],
  [
    'category too long',
    { name: 'demo', category: 'x'.repeat(101), steps: [exec()] },
    'category',
    'must be at most 100 characters long',
  ],
  // parameters
  [
    'parameter name with a dash',
    { name: 'demo', parameters: { 'my-param': { type: 'string' } }, steps: [exec()] },
    'parameters.my-param',
    'is not a valid name: it must use only letters, digits and _, and not start with a digit',
  ],
  ['parameter without type', withParam({ default: 'x' }), 'parameters.p.type', 'is required'],
  [
    'parameter type unknown',
    withParam({ type: 'str' }),
    'parameters.p.type',
    'must be one of string, integer, number, boolean, enum, array, secret (got "str"); did you mean "string"?',
  ],
  [
    'minimum on a string',
    withParam({ type: 'string', minimum: 1 }),
    'parameters.p.minimum',
    'does not apply to a string parameter',
  ],
  [
    'pattern on an integer',
    withParam({ type: 'integer', pattern: 'x' }),
    'parameters.p.pattern',
    'does not apply to an integer parameter',
  ],
  [
    'secret with a default',
    withParam({ type: 'secret', default: 'hunter2' }),
    'parameters.p.default',
    'a secret parameter cannot have a default: it would be stored in plain text with the job',
  ],
  [
    'enum without values',
    withParam({ type: 'enum' }),
    'parameters.p.enum',
    'is required for an enum parameter',
  ],
  [
    'enum list empty',
    withParam({ type: 'enum', enum: [] }),
    'parameters.p.enum',
    'must not be an empty list',
  ],
  [
    'enum values repeated',
    withParam({ type: 'string', enum: ['a', 'a'] }),
    'parameters.p.enum[1]',
    'repeats item 0; each must appear once',
  ],
  [
    'enum default not a member',
    withParam({ type: 'string', enum: ['basic', 'full'], default: 'fast' }),
    'parameters.p.default',
    'must be one of basic, full (got "fast")',
  ],
  [
    'multi-select default not a list',
    withParam({ type: 'enum', enum: ['a', 'b'], multiple: true, default: 'a' }),
    'parameters.p.default',
    'must be a list of enum values (the parameter is multiple)',
  ],
  [
    'multiple without an enum',
    withParam({ type: 'string', multiple: true }),
    'parameters.p.multiple',
    'applies only to a parameter with an enum list',
  ],
  [
    'integer default not an integer',
    withParam({ type: 'integer', default: 1.5 }),
    'parameters.p.default',
    'must be an integer (got 1.5)',
  ],
  [
    'boolean default a string',
    withParam({ type: 'boolean', default: 'yes' }),
    'parameters.p.default',
    'must be true or false (got "yes")',
  ],
  [
    'default above maximum',
    withParam({ type: 'number', maximum: 10, default: 11 }),
    'parameters.p.default',
    'is more than the maximum (10)',
  ],
  [
    'maximum below minimum',
    withParam({ type: 'integer', minimum: 5, maximum: 1 }),
    'parameters.p.maximum',
    'must not be less than minimum (5)',
  ],
  [
    'negative minLength',
    withParam({ type: 'string', minLength: -1 }),
    'parameters.p.minLength',
    'must be a non-negative integer (got -1)',
  ],
  [
    'invalid pattern',
    withParam({ type: 'string', pattern: '([a-z' }),
    'parameters.p.pattern',
    'is not a valid regular expression: Invalid regular expression: /^(?:([a-z)$/u: Unterminated character class',
  ],
  [
    'default not matching the pattern',
    withParam({ type: 'string', pattern: '[0-9]+', default: '12a' }),
    'parameters.p.default',
    'does not match the pattern [0-9]+ (the whole value)',
  ],
  [
    'array items unknown',
    withParam({ type: 'array', items: 'boolean' }),
    'parameters.p.items',
    'must be one of string, integer, number (got "boolean")',
  ],
  [
    'array default item of the wrong type',
    withParam({ type: 'array', items: 'integer', default: [1, 'two'] }),
    'parameters.p.default',
    'item 1 must be an integer',
  ],
  [
    'parameter typo',
    withParam({ type: 'string', descripton: 'x' }),
    'parameters.p.descripton',
    'is not a property of a string parameter; did you mean "description"?',
  ],
  // targets and strategy
  [
    'both hosts and selector',
    { name: 'demo', targets: { hosts: ['web-1'], selector: 'tag:web' }, steps: [exec()] },
    'targets',
    'give either hosts or a selector, not both',
  ],
  [
    'empty targets',
    { name: 'demo', targets: {}, steps: [exec()] },
    'targets',
    'must give hosts or a selector',
  ],
  [
    'selector that does not parse',
    { name: 'demo', targets: { selector: 'tag:web and' }, steps: [exec()] },
    'targets.selector',
    'at 12: expected a term after "and"',
  ],
  [
    'empty host list',
    { name: 'demo', targets: { hosts: [] }, steps: [exec()] },
    'targets.hosts',
    'must not be an empty list',
  ],
  [
    'hosts a string',
    { name: 'demo', targets: { hosts: 'web-*' }, steps: [exec()] },
    'targets.hosts',
    'must be a list (got "web-*")',
  ],
  [
    'maxParallel zero',
    withStrategy({ maxParallel: 0 }),
    'strategy.maxParallel',
    'must be a positive integer (got 0)',
  ],
  [
    'batchSize percentage over 100',
    withStrategy({ batchSize: '150%' }),
    'strategy.batchSize',
    'must be a positive whole number of hosts or a percentage from 1% to 100% (got "150%")',
  ],
  [
    'batchSize a fraction',
    withStrategy({ batchSize: 2.5 }),
    'strategy.batchSize',
    'must be a positive integer (got 2.5)',
  ],
  [
    'maxFailures a word',
    withStrategy({ maxFailures: 'some' }),
    'strategy.maxFailures',
    'must be a whole number of hosts or a percentage from 0% to 100% (got "some")',
  ],
  [
    'maxFailures a boolean',
    withStrategy({ maxFailures: true }),
    'strategy.maxFailures',
    'must be a non-negative integer or a percentage such as "25%" (got true)',
  ],
  [
    'order misspelt',
    withStrategy({ order: 'stepfirst' }),
    'strategy.order',
    'must be one of hostFirst, stepFirst (got "stepfirst"); did you mean "stepFirst"?',
  ],
  [
    'allowConcurrentOnHost a string',
    withStrategy({ allowConcurrentOnHost: 'yes' }),
    'strategy.allowConcurrentOnHost',
    'must be true or false (got "yes")',
  ],
  [
    'strategy typo',
    withStrategy({ maxParalel: 2 }),
    'strategy.maxParalel',
    'is not a property of a strategy; did you mean "maxParallel"?',
  ],
];

test('the tables cover at least thirty malformed definitions', () => {
  assert.ok(CASES.length >= 30, String(CASES.length));
});

testCases(CASES);
test('a document that is not a mapping', () => {
  assert.throws(
    () => validateJobDefinition(['name', 'steps']),
    (e: unknown) =>
      e instanceof OrcaError &&
      e.details.length === 1 &&
      e.details[0]?.path === '(root)' &&
      e.details[0].message === 'must be a mapping of job fields (name, steps …) (got a list)',
  );
});
