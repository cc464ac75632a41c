/** The next fire times of a cron expression in a time zone, asked of the server as the user types. */
import { Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/http.ts';
import { previewSchedule } from '../api/schedules.ts';
import { useApi } from '../auth/session.tsx';

type State =
  | { readonly state: 'empty' }
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly times: string[]; readonly timeZone: string }
  | { readonly state: 'error'; readonly message: string; readonly field: string | null };

/** The instant as wall time in the zone, with the zone's abbreviation (CEST, EDT …). */
export function wallTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

export function FirePreview({
  cron,
  timeZone,
  onError,
}: {
  cron: string;
  timeZone: string;
  /** The field the server named for a bad expression or zone (`cron`, `timeZone`), or null. */
  onError?: (field: string | null, message: string | null) => void;
}) {
  const api = useApi();
  const [key] = useDebouncedValue(JSON.stringify([cron.trim(), timeZone]), 300);
  const [preview, setPreview] = useState<State>({ state: 'empty' });

  useEffect(() => {
    const [c, tz] = JSON.parse(key) as [string, string];
    if (!c) {
      setPreview({ state: 'empty' });
      onError?.(null, null);
      return;
    }
    const abort = new AbortController();
    setPreview({ state: 'loading' });
    previewSchedule(api, { cron: c, timeZone: tz, count: 5 }, abort.signal).then(
      (r) => {
        setPreview({ state: 'done', times: r.fireTimes, timeZone: r.timeZone });
        onError?.(null, null);
      },
      (e: unknown) => {
        if (abort.signal.aborted) return;
        const detail = e instanceof ApiError ? e.details[0] : undefined;
        const field = detail ? detail.path.replace(/^body\./, '') : null;
        const message = detail?.message ?? errorMessage(e);
        setPreview({ state: 'error', message, field });
        onError?.(field, message);
      },
    );
    return () => abort.abort();
  }, [api, key, onError]);

  return (
    <Paper withBorder p="sm" radius="md" data-testid="fire-preview" aria-live="polite">
      <Text size="sm" fw={500} mb={6}>
        Next five runs
      </Text>
      {preview.state === 'empty' && (
        <Text size="sm" c="dimmed">
          Type a cron expression to see when it runs.
        </Text>
      )}
      {preview.state === 'loading' && (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm" c="dimmed">
            Computing…
          </Text>
        </Group>
      )}
      {preview.state === 'error' && (
        <Text size="sm" c="red" data-testid="fire-preview-error">
          {preview.message}
        </Text>
      )}
      {preview.state === 'done' && (
        <Stack gap={2} component="ol" m={0} pl="md" data-testid="fire-preview-times">
          {preview.times.length === 0 && (
            <Text size="sm" c="dimmed">
              This expression never fires again.
            </Text>
          )}
          {preview.times.map((t) => (
            <Text key={t} size="sm" component="li" title={t} data-fire-time={t}>
              {wallTime(t, preview.timeZone)}
            </Text>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
