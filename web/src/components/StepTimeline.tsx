/** What each step of a job did on one host: status, exit code, attempts, timing, failure. */
import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import type { RunStep, StepResult } from '../api/types.ts';
import { useNow } from '../hooks/useNow.ts';
import { elapsed, formatDateTime, formatDuration } from '../lib/format.ts';
import { FAILURE_HELP } from '../lib/status.ts';
import { StatusBadge } from './StatusBadge.tsx';

function StepRow({
  host,
  step,
  result,
  ended,
}: {
  host: string;
  step: RunStep;
  result: StepResult | undefined;
  /** The host is done: a step without a result will not run. */
  ended: boolean;
}) {
  const now = useNow(result?.status === 'running');
  const ms = result ? (result.durationMs ?? elapsed(result.startedAt, result.finishedAt, now)) : null;
  const testId = `step-${host}-${step.index}`;
  return (
    <li
      className="orca-step"
      data-testid={testId}
      data-status={result?.status ?? (ended ? 'not-run' : 'pending')}
    >
      <Group gap="xs" wrap="wrap" justify="space-between">
        <Group gap="xs" wrap="wrap">
          <Text size="sm" fw={600}>
            {step.index + 1}. {step.name}
          </Text>
          <Badge variant="outline" color="gray" size="sm" tt="none">
            {step.type}
          </Badge>
          {result ? (
            <StatusBadge status={result.status} size="sm" testId={`${testId}-status`} />
          ) : (
            <Badge color="gray" variant="outline" size="sm" data-testid={`${testId}-status`}>
              {ended ? 'not run' : 'pending'}
            </Badge>
          )}
          {result?.exitCode !== null && result?.exitCode !== undefined && (
            <Badge variant="outline" size="sm" color={result.exitCode === 0 ? 'gray' : 'red'}>
              exit {result.exitCode}
            </Badge>
          )}
          {result && result.attempts > 1 && (
            <Badge variant="light" color="yellow" size="sm">
              {result.attempts} attempts
            </Badge>
          )}
          {result?.tolerated && (
            <Tooltip label="The step failed, but continueOnError let the host go on">
              <Badge variant="light" color="orange" size="sm">
                tolerated
              </Badge>
            </Tooltip>
          )}
        </Group>
        {result?.startedAt && (
          <Tooltip label={`started ${formatDateTime(result.startedAt)}`}>
            <Text size="xs" c="dimmed">
              {ms !== null ? formatDuration(ms) : ''}
            </Text>
          </Tooltip>
        )}
      </Group>
      {result?.failureKind && (
        <Text size="xs" c={result.tolerated ? 'orange' : 'red'} mt={2} data-testid={`${testId}-failure`}>
          {FAILURE_HELP[result.failureKind].title} ({result.failureKind})
          {result.failureMessage ? `: ${result.failureMessage}` : ''}
        </Text>
      )}
    </li>
  );
}

export function StepTimeline({
  host,
  steps,
  results,
  ended,
}: {
  host: string;
  steps: readonly RunStep[];
  results: readonly StepResult[];
  ended: boolean;
}) {
  const byIndex = new Map(results.map((r) => [r.index, r]));
  return (
    <Stack gap={0} component="ol" className="orca-steps" aria-label={`Steps on ${host}`}>
      {steps.map((s) => (
        <StepRow key={s.index} host={host} step={s} result={byIndex.get(s.index)} ended={ended} />
      ))}
    </Stack>
  );
}
