/** The head of a run page: job or command, status, counts, timings and what can be done with it. */
import { Anchor, Badge, Button, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { LiveState } from '../api/live-run.ts';
import type { RetryMode, RunDetail } from '../api/types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { useNow } from '../hooks/useNow.ts';
import { countsSummary, elapsed, formatDateTime, formatDuration } from '../lib/format.ts';
import type { RunPrefill } from '../lib/run-prefill.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { StatusBadge } from './StatusBadge.tsx';

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

const CONNECTION: Partial<Record<LiveState, { label: string; color: string }>> = {
  connecting: { label: 'connecting…', color: 'gray' },
  open: { label: 'live', color: 'teal' },
  reconnecting: { label: 'reconnecting…', color: 'yellow' },
};

export function RunSummary({
  run,
  connection,
  onChange,
}: {
  run: RunDetail;
  connection: LiveState;
  onChange: (run: RunDetail) => void;
}) {
  const api = useApi();
  const canRun = useSession().can('operator');
  const navigate = useNavigate();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const active = run.status === 'queued' || run.status === 'running';
  const now = useNow(active && run.startedAt !== null);
  const ms = elapsed(run.startedAt, run.finishedAt, now);
  const failedHosts = run.executions.filter((e) => e.status !== 'succeeded').map((e) => e.hostName);
  const again = (hosts: readonly string[]) =>
    navigate('/run', { state: { command: run.command ?? undefined, hosts } satisfies RunPrefill });
  const [retrying, setRetrying] = useState<RetryMode | null>(null);
  const [retryError, setRetryError] = useState<unknown>(null);
  /** A job run again on the server, with the same version and parameters; then its page. */
  const retry = async (mode: RetryMode) => {
    setRetrying(mode);
    setRetryError(null);
    try {
      const next = await api.retryRun(run.id, mode);
      navigate(`/runs/${next.id}`);
    } catch (e) {
      setRetryError(e);
    } finally {
      setRetrying(null);
    }
  };
  const conn = active ? CONNECTION[connection] : undefined;

  return (
    <Paper withBorder p={{ base: 'sm', sm: 'md' }} radius="md" mb="md">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Group gap="sm">
            <Title order={3}>
              {run.job ? (
                <>
                  <Anchor component={Link} to={`/jobs/${run.job.id}`} inherit data-testid="run-job">
                    {run.job.name}
                  </Anchor>{' '}
                  <Text span inherit c="dimmed" data-testid="run-job-version">
                    v{run.job.version}
                  </Text>
                </>
              ) : (
                'Run'
              )}
            </Title>
            <StatusBadge status={run.status} size="lg" testId="run-status" />
            {conn && (
              <Badge variant="dot" color={conn.color} data-testid="stream-state">
                {conn.label}
              </Badge>
            )}
          </Group>
          {canRun && (
            <Group gap="xs">
              {active && (
                <Button color="red" variant="light" onClick={() => setConfirmCancel(true)}>
                  Cancel run
                </Button>
              )}
              {!active && run.kind === 'job' && (
                <>
                  <Button
                    variant="light"
                    disabled={failedHosts.length === 0 || retrying !== null}
                    loading={retrying === 'failed'}
                    onClick={() => void retry('failed')}
                  >
                    Retry failed hosts
                  </Button>
                  <Button
                    variant="default"
                    disabled={retrying !== null}
                    loading={retrying === 'all'}
                    onClick={() => void retry('all')}
                  >
                    Re-run
                  </Button>
                </>
              )}
              {!active &&
                run.kind === 'adhoc' &&
                failedHosts.length > 0 &&
                failedHosts.length < run.executions.length && (
                  <Button variant="light" onClick={() => again(failedHosts)}>
                    Rerun failed
                  </Button>
                )}
              {!active && run.kind === 'adhoc' && (
                <Button variant="default" onClick={() => again(run.executions.map((e) => e.hostName))}>
                  Run again
                </Button>
              )}
            </Group>
          )}
        </Group>
        <ErrorAlert error={retryError} title="Not started" onClose={() => setRetryError(null)} />
        {run.retryOf && (
          <Text size="sm" c="dimmed" data-testid="run-retry-of">
            {run.retryMode === 'failed' ? 'Retry of the failed hosts of ' : 'Re-run of '}
            <Anchor component={Link} to={`/runs/${run.retryOf}`} size="sm">
              run {run.retryOf.slice(0, 8)}
            </Anchor>
          </Text>
        )}
        {run.command !== null && (
          <Code block data-testid="run-command" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {run.command}
          </Code>
        )}
        <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
          <Fact label="Hosts" testId="run-counts">
            {countsSummary(run.counts)}
          </Fact>
          <Fact label="Started by">{run.createdBy ?? '—'}</Fact>
          <Fact label="Created">{formatDateTime(run.createdAt)}</Fact>
          <Fact label="Duration">{ms === null ? 'not started' : formatDuration(ms)}</Fact>
          <Fact label="Timeout">{formatDuration(run.timeoutMs)}</Fact>
          {run.priority !== 0 && <Fact label="Priority">{String(run.priority)}</Fact>}
        </SimpleGrid>
      </Stack>
      <ConfirmDialog
        opened={confirmCancel}
        title="Cancel this run?"
        confirmLabel="Cancel run"
        cancelLabel="Keep running"
        onClose={() => setConfirmCancel(false)}
        onConfirm={async () => onChange(await api.cancelRun(run.id))}
      >
        <Text size="sm">
          Queued hosts will not start, and commands still running are killed. Hosts that already finished keep
          their results.
        </Text>
      </ConfirmDialog>
    </Paper>
  );
}
