/** Shared by the malformed-definition tables: builders and the one-problem assertion. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrcaError } from '../errors.ts';
import { validateJobDefinition } from './definition.ts';

type Doc = Record<string, unknown>;

/** A label, a malformed document, and the one problem it must be reported as. */
export type Case = [label: string, doc: unknown, path: string, message: string];

export const exec = (extra: Doc = {}) => ({ name: 'Run', type: 'exec', command: 'true', ...extra });
export const withSteps = (...steps: unknown[]): Doc => ({ name: 'demo', steps });
export const withParam = (spec: unknown): Doc => ({ name: 'demo', parameters: { p: spec }, steps: [exec()] });
export const withStrategy = (strategy: unknown): Doc => ({ name: 'demo', strategy, steps: [exec()] });

/** One test per case: the document is refused with exactly that one detail. */
export function testCases(cases: readonly Case[]): void {
  for (const [label, doc, path, message] of cases) {
    test(`malformed: ${label} is one problem at ${path}`, () => {
      let details: { path: string; message: string }[] | undefined;
      try {
        validateJobDefinition(doc);
      } catch (e) {
        assert.ok(e instanceof OrcaError, label);
        details = e.details.map((d) => ({ path: d.path, message: d.message }));
      }
      assert.deepEqual(details, [{ path, message }]);
    });
  }
}
