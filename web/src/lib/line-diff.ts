/** Two versions' documents as numbered lines of a diff, for the version comparison. Pure. */
import { diffLines } from 'diff';

export interface DiffLine {
  readonly kind: 'same' | 'added' | 'removed';
  /** Line number in the older text (absent for added lines). */
  readonly oldLine: number | null;
  /** Line number in the newer text (absent for removed lines). */
  readonly newLine: number | null;
  readonly text: string;
}

export interface LineDiff {
  readonly lines: readonly DiffLine[];
  readonly added: number;
  readonly removed: number;
}

const splitLines = (text: string): string[] => {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

export function lineDiff(older: string, newer: string): LineDiff {
  const lines: DiffLine[] = [];
  let oldLine = 1;
  let newLine = 1;
  let added = 0;
  let removed = 0;
  for (const change of diffLines(older, newer)) {
    for (const text of splitLines(change.value)) {
      if (change.added) {
        lines.push({ kind: 'added', oldLine: null, newLine: newLine++, text });
        added++;
      } else if (change.removed) {
        lines.push({ kind: 'removed', oldLine: oldLine++, newLine: null, text });
        removed++;
      } else {
        lines.push({ kind: 'same', oldLine: oldLine++, newLine: newLine++, text });
      }
    }
  }
  return { lines, added, removed };
}

/** Unchanged runs longer than `context` lines around changes are folded into one gap marker. */
export type DiffRow = DiffLine | { readonly kind: 'gap'; readonly hidden: number };

export function foldUnchanged(lines: readonly DiffLine[], context = 3): DiffRow[] {
  const near = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) near[j] = true;
  });
  const rows: DiffRow[] = [];
  let hidden = 0;
  lines.forEach((l, i) => {
    if (near[i]) {
      if (hidden > 0) rows.push({ kind: 'gap', hidden });
      hidden = 0;
      rows.push(l);
    } else hidden++;
  });
  if (hidden > 0) rows.push({ kind: 'gap', hidden });
  return rows;
}
