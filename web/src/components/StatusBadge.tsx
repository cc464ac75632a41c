import { Badge, type BadgeProps, Loader } from '@mantine/core';
import type { ExecutionStatus } from '../api/types.ts';
import { STATUS_COLOR } from '../lib/status.ts';

/** A status as a coloured badge whose text is exactly the status (tests read it). */
export function StatusBadge({
  status,
  testId,
  ...rest
}: { status: ExecutionStatus; testId?: string } & Omit<BadgeProps, 'color' | 'children'>) {
  return (
    <Badge
      color={STATUS_COLOR[status]}
      variant="light"
      data-testid={testId}
      leftSection={status === 'running' ? <Loader size={10} color="blue" /> : undefined}
      {...rest}
    >
      {status}
    </Badge>
  );
}
