/** The outcome of "Test connection" for one host, with what to do about a failure. */
import { Alert, Button, Text } from '@mantine/core';
import { errorMessage } from '../api/http.ts';
import type { HostCheck } from '../api/types.ts';
import { formatDuration } from '../lib/format.ts';
import { FAILURE_HELP } from '../lib/status.ts';

export type CheckResult = { readonly check: HostCheck } | { readonly error: unknown };

export function HostCheckAlert({
  hostName,
  result,
  onClose,
  onReviewKey,
}: {
  hostName: string;
  result: CheckResult;
  onClose: () => void;
  /** Offered when the failure is a changed host key that can be accepted. */
  onReviewKey?: () => void;
}) {
  const testId = `check-result-${hostName}`;
  if ('error' in result) {
    return (
      <Alert
        color="red"
        title={`${hostName}: test did not complete`}
        withCloseButton
        onClose={onClose}
        data-testid={testId}
      >
        {errorMessage(result.error)}
      </Alert>
    );
  }
  const { check } = result;
  if (check.ok) {
    return (
      <Alert
        color="green"
        title={`${hostName}: connection ok`}
        withCloseButton
        onClose={onClose}
        data-testid={testId}
      >
        Connected, authenticated and ran a command
        {check.latencyMs !== null && <> in {formatDuration(check.latencyMs)}</>}.
      </Alert>
    );
  }
  const help = check.failureKind ? FAILURE_HELP[check.failureKind] : null;
  return (
    <Alert
      color={check.failureKind === 'host-key' ? 'orange' : 'red'}
      title={`${hostName}: ${help?.title ?? 'connection failed'}${check.failureKind ? ` (${check.failureKind})` : ''}`}
      withCloseButton
      onClose={onClose}
      data-testid={testId}
      data-failure-kind={check.failureKind ?? undefined}
    >
      <Text size="sm">{check.message}</Text>
      {help && (
        <Text size="sm" c="dimmed" mt={4}>
          {help.hint}
        </Text>
      )}
      {onReviewKey && (
        <Button size="xs" color="orange" mt="sm" onClick={onReviewKey}>
          Review new host key
        </Button>
      )}
    </Alert>
  );
}
