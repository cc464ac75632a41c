/**
 * Where a job run goes: the job's own targets, host names and globs, or a selector expression,
 * with a live preview of the hosts the choice stands for (asked of the server, debounced).
 */
import {
  Badge,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/http.ts';
import type { ResolvedTargets, TargetSelection } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { targetsText } from '../lib/job-text.ts';

export type TargetMode = 'default' | 'hosts' | 'selector';

export interface TargetChoice {
  readonly mode: TargetMode;
  readonly hosts: string[];
  readonly selector: string;
}

/** The selection a choice stands for; undefined when it is empty. */
export function selectionOf(
  choice: TargetChoice,
  jobTargets: TargetSelection | undefined,
): TargetSelection | undefined {
  if (choice.mode === 'default') {
    if (jobTargets?.hosts?.length) return { hosts: [...jobTargets.hosts] };
    return jobTargets?.selector ? { selector: jobTargets.selector } : undefined;
  }
  if (choice.mode === 'hosts') return choice.hosts.length ? { hosts: choice.hosts } : undefined;
  const selector = choice.selector.trim();
  return selector ? { selector } : undefined;
}

export type Preview =
  | { readonly state: 'empty' }
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly result: ResolvedTargets }
  | { readonly state: 'error'; readonly message: string };

export function TargetPicker({
  choice,
  onChange,
  jobTargets,
  hostNames,
  error,
  onResolved,
}: {
  choice: TargetChoice;
  onChange: (choice: TargetChoice) => void;
  jobTargets: TargetSelection | undefined;
  /** Suggestions for the hosts input. */
  hostNames: readonly string[];
  error: string | undefined;
  /** How many hosts the current choice resolves to (null while unknown). */
  onResolved?: (count: number | null) => void;
}) {
  const preview = useTargetPreview(selectionOf(choice, jobTargets), onResolved);

  return (
    <Stack gap="xs">
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Targets
        </Text>
        <SegmentedControl
          aria-label="Targets"
          value={choice.mode}
          onChange={(v) => onChange({ ...choice, mode: v as TargetMode })}
          data={[
            { value: 'default', label: "The job's targets" },
            { value: 'hosts', label: 'Hosts' },
            { value: 'selector', label: 'Selector' },
          ]}
          style={{ alignSelf: 'flex-start' }}
        />
      </Stack>
      {choice.mode === 'default' && (
        <Text size="sm" c="dimmed" data-testid="targets-default">
          {targetsText(jobTargets)}
        </Text>
      )}
      {choice.mode === 'hosts' && (
        <TagsInput
          label="Host names"
          description="Names or globs such as web-*; Enter after each"
          data={[...hostNames]}
          value={choice.hosts}
          onChange={(hosts) => onChange({ ...choice, hosts })}
          error={error}
          clearable
          data-testid="targets-hosts"
          comboboxProps={{ keepMounted: false }}
        />
      )}
      {choice.mode === 'selector' && (
        <TextInput
          label="Selector"
          description="Names, globs, tag:NAME, KEY=VALUE, group:NAME with and, or, not, e.g. tag:web and env=prod"
          value={choice.selector}
          onChange={(e) => onChange({ ...choice, selector: e.currentTarget.value })}
          error={error}
          spellCheck={false}
          autoCapitalize="none"
          ff="monospace"
          data-testid="targets-selector"
        />
      )}
      {choice.mode === 'default' && error && (
        <Text size="sm" c="red">
          {error}
        </Text>
      )}
      <TargetPreview preview={preview} />
    </Stack>
  );
}

/** The hosts a selection resolves to, asked of the server (debounced) as a run would pick them. */
export function useTargetPreview(
  selection: TargetSelection | undefined,
  onResolved?: (count: number | null) => void,
): Preview {
  const api = useApi();
  const [key] = useDebouncedValue(JSON.stringify(selection ?? null), 300);
  const [preview, setPreview] = useState<Preview>({ state: 'empty' });

  useEffect(() => {
    const wanted = JSON.parse(key) as TargetSelection | null;
    if (!wanted) {
      setPreview({ state: 'empty' });
      onResolved?.(0);
      return;
    }
    const abort = new AbortController();
    setPreview({ state: 'loading' });
    onResolved?.(null);
    api.resolveTargets(wanted, abort.signal).then(
      (result) => {
        setPreview({ state: 'done', result });
        onResolved?.(result.hosts.length);
      },
      (e: unknown) => {
        if (abort.signal.aborted) return;
        setPreview({ state: 'error', message: errorMessage(e) });
        onResolved?.(null);
      },
    );
    return () => abort.abort();
  }, [api, key, onResolved]);
  return preview;
}

export function TargetPreview({ preview }: { preview: Preview }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid="target-preview" aria-live="polite">
      {preview.state === 'empty' && (
        <Text size="sm" c="dimmed">
          No targets chosen yet.
        </Text>
      )}
      {preview.state === 'loading' && (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            Resolving…
          </Text>
        </Group>
      )}
      {preview.state === 'error' && (
        <Text size="sm" c="red" data-testid="target-preview-error">
          {preview.message}
        </Text>
      )}
      {preview.state === 'done' && (
        <Stack gap={6}>
          <Text size="sm" fw={500} data-testid="target-preview-count">
            {preview.result.hosts.length === 0
              ? 'Matches no host'
              : `Runs on ${preview.result.hosts.length} host${preview.result.hosts.length === 1 ? '' : 's'}`}
          </Text>
          {preview.result.hosts.length > 0 && (
            <Group gap={6} data-testid="target-preview-hosts">
              {preview.result.hosts.map((h) => (
                <Badge key={h.id} variant="light" tt="none" title={`${h.os} · ${h.transport}`}>
                  {h.name}
                </Badge>
              ))}
            </Group>
          )}
          {preview.result.unmatched.length > 0 && (
            <Text size="sm" c="orange" data-testid="target-preview-unmatched">
              No host matches: {preview.result.unmatched.join(', ')}
            </Text>
          )}
        </Stack>
      )}
    </Paper>
  );
}
