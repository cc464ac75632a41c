/**
 * At save time, the check render.ts makes at run time: a quoted value may only stand where the
 * shell reads words (placement.ts). `echo "${{ parameters.v }}"` would fail every run, so it is
 * an error when it is unsafe in every shell the text can run under, and a warning when only some.
 */
import type { ErrorDetail } from '../errors.ts';
import type { Reference } from './definition-refs.ts';
import { unsafePlacements } from './placement.ts';
import { quoteFor, type Shell } from './quote.ts';

/** The shells a command or script text may run under, by the variant it is written for. */
export function shellsFor(variant: string | undefined, local: boolean): readonly Shell[] {
  if (local) return ['sh'];
  if (variant === 'linux') return ['sh'];
  if (variant === 'windows') return ['powershell', 'cmd'];
  return ['sh', 'powershell', 'cmd'];
}

export function checkPlacements(
  text: string,
  references: readonly Reference[],
  shells: readonly Shell[],
  path: string,
): { errors: ErrorDetail[]; warnings: ErrorDetail[] } {
  const unsafe = new Map<Reference, { shell: Shell; reason: string }[]>();
  for (const shell of shells) {
    const { rendered, offsets } = placeholders(text, references, shell);
    const found = unsafePlacements(shell, rendered, [...offsets.keys()]);
    for (const [offset, reason] of found) {
      const ref = offsets.get(offset);
      if (ref) unsafe.set(ref, [...(unsafe.get(ref) ?? []), { shell, reason }]);
    }
  }
  const errors: ErrorDetail[] = [];
  const warnings: ErrorDetail[] = [];
  for (const [ref, where] of unsafe) {
    const first = where[0];
    if (!first) continue;
    const fix = 'write it as a word of its own: orca quotes the value itself';
    if (where.length === shells.length) {
      errors.push({
        path,
        message: `${ref.text} is ${first.reason}, where its quoting would not hold; ${fix}`,
      });
    } else {
      const on = where.map((w) => w.shell).join(' and ');
      warnings.push({
        path,
        message: `${ref.text} is ${first.reason} in ${on}, which would refuse it at run time; ${fix}`,
      });
    }
  }
  return { errors, warnings };
}

/** The text as render.ts would produce it, with a harmless value for each reference. */
function placeholders(text: string, references: readonly Reference[], shell: Shell) {
  let rendered = '';
  let from = 0;
  const offsets = new Map<number, Reference>();
  for (const ref of references) {
    rendered += text.slice(from, ref.start);
    if (!ref.raw) offsets.set(rendered.length, ref);
    rendered += ref.raw ? 'x' : quoteFor(shell, 'x');
    from = ref.start + ref.text.length;
  }
  return { rendered: rendered + text.slice(from), offsets };
}
