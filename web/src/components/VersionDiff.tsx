/** A line diff of two documents, unchanged stretches folded, with old and new line numbers. */
import { Text } from '@mantine/core';
import { useMemo } from 'react';
import { foldUnchanged, lineDiff } from '../lib/line-diff.ts';

const MARK = { same: ' ', added: '+', removed: '-' } as const;

export function VersionDiff({ older, newer }: { older: string; newer: string }) {
  const diff = useMemo(() => lineDiff(older, newer), [older, newer]);
  const rows = useMemo(() => foldUnchanged(diff.lines), [diff]);
  if (diff.added + diff.removed === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="version-diff">
        The two documents are identical.
      </Text>
    );
  }
  return (
    <div data-testid="version-diff">
      <Text size="sm" mb={4} data-testid="version-diff-summary">
        <Text span c="green" fw={600}>
          +{diff.added}
        </Text>{' '}
        <Text span c="red" fw={600}>
          −{diff.removed}
        </Text>{' '}
        lines
      </Text>
      <div className="orca-diff">
        <table aria-label="Differences">
          <tbody>
            {rows.map((r, i) =>
              r.kind === 'gap' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are rebuilt whole; position is identity
                <tr key={`gap-${i}`} className="orca-diff-gap">
                  <td colSpan={3}>
                    ⋯ {r.hidden} unchanged line{r.hidden === 1 ? '' : 's'}
                  </td>
                </tr>
              ) : (
                <tr
                  key={`${r.kind}-${r.oldLine}-${r.newLine}`}
                  className={`orca-diff-${r.kind}`}
                  data-kind={r.kind}
                >
                  <td className="orca-diff-no">{r.oldLine ?? ''}</td>
                  <td className="orca-diff-no">{r.newLine ?? ''}</td>
                  <td className="orca-diff-text">
                    {MARK[r.kind]} {r.text}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
