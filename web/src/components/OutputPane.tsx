/** A host's output as a terminal-like pane that follows new output while scrolled to the bottom. */
import type { CSSProperties } from 'react';
import { memo, useLayoutEffect, useRef } from 'react';
import type { AnsiStyle } from '../lib/ansi.ts';
import type { OutputView, Segment } from '../lib/output-buffer.ts';

function colour(c: number | string | undefined): string | undefined {
  if (c === undefined) return undefined;
  return typeof c === 'number' ? `var(--ansi-${c})` : c;
}

function cssOf(style: AnsiStyle | null): CSSProperties | undefined {
  if (!style) return undefined;
  let fg = colour(style.fg);
  let bg = colour(style.bg);
  if (style.inverse) [fg, bg] = [bg ?? 'var(--orca-output-bg)', fg ?? 'var(--orca-output-fg)'];
  return {
    color: fg,
    backgroundColor: bg,
    fontWeight: style.bold ? 700 : undefined,
    opacity: style.dim ? 0.7 : undefined,
    fontStyle: style.italic ? 'italic' : undefined,
    textDecoration: style.underline ? 'underline' : undefined,
  };
}

const CLASS: Record<Segment['kind'], string | undefined> = {
  stdout: undefined,
  stderr: 'out-stderr',
  system: 'out-system',
};

export const OutputPane = memo(function OutputPane({
  view,
  testId,
  placeholder,
}: {
  view: OutputView | undefined;
  testId: string;
  placeholder: string;
}) {
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });

  return (
    <pre
      ref={ref}
      className="orca-output"
      data-testid={testId}
      data-placeholder={placeholder}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
      }}
    >
      {view?.segments.map((s) => (
        <span key={s.id} className={CLASS[s.kind]} style={cssOf(s.style)}>
          {s.text}
        </span>
      ))}
    </pre>
  );
});
