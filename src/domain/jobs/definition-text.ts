/** YAML or JSON text into a plain value, with syntax errors that name the line and column. */
import { parseDocument } from 'yaml';
import type { ErrorDetail } from '../errors.ts';

export type DocumentFormat = 'yaml' | 'json';

export type ParsedText = { ok: true; value: unknown } | { ok: false; errors: ErrorDetail[] };

export function parseText(text: string, format: DocumentFormat = 'yaml'): ParsedText {
  return format === 'json' ? parseJson(text) : parseYaml(text);
}

function parseYaml(text: string): ParsedText {
  // YAML 1.2 (the package's default): `on`, `yes` and `no` stay strings; duplicate keys are errors.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const reason = e.message.split(/ at line \d+, column \d+/)[0] ?? e.message;
        const at = e.linePos?.[0];
        return syntax(at ? `line ${at.line}, column ${at.col}` : 'YAML', reason);
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (e) {
    return { ok: false, errors: [syntax('YAML', (e as Error).message)] };
  }
}

function parseJson(text: string): ParsedText {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    // V8 words this several ways: "… in JSON at position 42", or "…, "<excerpt>" is not valid JSON".
    const message = (e as Error).message;
    const reason = message
      .replace(/\s*(in JSON )?at position \d+.*$/s, '')
      .replace(/, ".*" is not valid JSON$/s, '');
    const position = /at position (\d+)/.exec(message)?.[1];
    const where = position !== undefined ? lineAndColumn(text, Number(position)) : locateWithYaml(text);
    return { ok: false, errors: [syntax(where ?? 'JSON', reason)] };
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}

/** JSON is YAML: the YAML reader finds where JSON text goes wrong when V8 does not say. */
function locateWithYaml(text: string): string | undefined {
  const at = parseDocument(text).errors[0]?.linePos?.[0];
  return at ? `line ${at.line}, column ${at.col}` : undefined;
}

const syntax = (where: string, reason: string): ErrorDetail => ({
  path: '(root)',
  message: `syntax error at ${where}: ${reason.trim()}`,
});
