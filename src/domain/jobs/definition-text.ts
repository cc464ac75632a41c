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
    const message = (e as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    const reason = message.replace(/\s*(in JSON )?at position \d+.*$/s, '');
    if (position === undefined) return { ok: false, errors: [syntax('JSON', reason)] };
    const before = text.slice(0, Number(position)).split('\n');
    const column = (before[before.length - 1]?.length ?? 0) + 1;
    return { ok: false, errors: [syntax(`line ${before.length}, column ${column}`, reason)] };
  }
}

const syntax = (where: string, reason: string): ErrorDetail => ({
  path: '(root)',
  message: `syntax error at ${where}: ${reason.trim()}`,
});
