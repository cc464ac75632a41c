/** One host of a run: its status, exit code, failure, the steps of a job run and live output. */
import { Alert, Badge, Button, Group, NativeSelect, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/http.ts';
import type { Execution, RunStep } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { useNow } from '../hooks/useNow.ts';
import { downloadOutput } from '../lib/download.ts';
import { elapsed, formatBytes, formatDuration } from '../lib/format.ts';
import { DEFAULT_CAP, type OutputView } from '../lib/output-buffer.ts';
import { outputKey } from '../lib/run-outputs.ts';
import { FAILURE_HELP } from '../lib/status.ts';
import { OutputPane } from './OutputPane.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { StepTimeline } from './StepTimeline.tsx';

function placeholderFor(status: Execution['status']): string {
  if (status === 'queued') return 'Waiting for a worker…';
  if (status === 'running') return 'No output yet…';
  if (status === 'skipped') return "Skipped: the run's failure threshold stopped this host before it began.";
  return 'No output.';
}

export function ExecutionPanel({
  runId,
  execution: ex,
  outputs,
  steps = [],
  showBatch = false,
}: {
  runId: string;
  execution: Execution;
  /** The run's outputs by `outputKey`. */
  outputs: ReadonlyMap<string, OutputView>;
  /** The job version's steps; empty for an ad-hoc run. */
  steps?: readonly RunStep[];
  /** The run has several batches: say which one this host is in. */
  showBatch?: boolean;
}) {
  const api = useApi();
  const now = useNow(ex.status === 'running');
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  /** The step whose output is shown, or '' for the whole output. */
  const [step, setStep] = useState('');
  const output = outputs.get(outputKey(ex.id, step === '' ? null : Number(step)));
  const ms = elapsed(ex.startedAt, ex.finishedAt, now);
  const help = ex.failureKind ? FAILURE_HELP[ex.failureKind] : null;

  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      await downloadOutput(api, runId, ex.id, `${ex.hostName}-${runId.slice(0, 8)}.log`);
    } catch (e) {
      setDownloadError(errorMessage(e));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Paper withBorder p="sm" radius="md" data-testid={`execution-${ex.hostName}`}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Group gap="xs">
            <Text fw={600}>{ex.hostName}</Text>
            <StatusBadge status={ex.status} testId={`status-${ex.hostName}`} />
            {showBatch && (
              <Badge variant="outline" color="gray" data-testid={`batch-${ex.hostName}`}>
                batch {ex.batch + 1}
              </Badge>
            )}
            {ex.exitCode !== null && (
              <Badge
                variant="outline"
                color={ex.exitCode === 0 ? 'gray' : 'red'}
                data-testid={`exit-${ex.hostName}`}
              >
                exit {ex.exitCode}
              </Badge>
            )}
          </Group>
          <Group gap="sm">
            <Text size="xs" c="dimmed">
              {ms !== null && formatDuration(ms)}
              {ex.outputBytes > 0 && ` · ${formatBytes(ex.outputBytes)}`}
            </Text>
            {ex.outputBytes > 0 && (
              <Button
                size="compact-xs"
                variant="subtle"
                loading={downloading}
                onClick={() => void download()}
              >
                Download
              </Button>
            )}
          </Group>
        </Group>
        {ex.failureKind && ex.failureKind !== 'nonzero-exit' && (
          <Alert
            color={ex.failureKind === 'canceled' ? 'orange' : 'red'}
            variant="light"
            p="xs"
            title={`${help?.title ?? 'Failed'} (${ex.failureKind})`}
            data-testid={`failure-${ex.hostName}`}
          >
            <Text size="sm">{ex.failureMessage ?? help?.hint}</Text>
          </Alert>
        )}
        {ex.failureKind === 'nonzero-exit' && ex.failureMessage && (
          <Text size="sm" c="red" data-testid={`failure-${ex.hostName}`}>
            {ex.failureMessage}
          </Text>
        )}
        {steps.length > 0 && (
          <StepTimeline
            host={ex.hostName}
            steps={steps}
            results={ex.steps}
            ended={ex.status !== 'queued' && ex.status !== 'running'}
          />
        )}
        {downloadError && (
          <Text size="xs" c="red">
            Download failed: {downloadError}
          </Text>
        )}
        {output && output.dropped > 0 && (
          <Text size="xs" c="dimmed">
            Showing the last ~{formatBytes(DEFAULT_CAP)} of output; {formatBytes(output.dropped)} before it
            are not shown here. Use Download for everything.
          </Text>
        )}
        {steps.length > 0 && (
          <NativeSelect
            label="Output"
            size="xs"
            maw={320}
            data-testid={`output-step-${ex.hostName}`}
            value={step}
            onChange={(e) => setStep(e.currentTarget.value)}
            data={[
              { value: '', label: 'All steps' },
              ...steps.map((s) => ({ value: String(s.index), label: `${s.index + 1}. ${s.name}` })),
            ]}
          />
        )}
        <OutputPane
          view={output}
          testId={`output-${ex.hostName}`}
          placeholder={step === '' ? placeholderFor(ex.status) : 'No output from this step.'}
        />
        {ex.truncatedBytes > 0 && (
          <Text size="xs" c="orange">
            {formatBytes(ex.truncatedBytes)} over the server's output limit were not kept.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
