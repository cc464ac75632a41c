/** One figure with its label and an optional hint, as the dashboard and the job page show them. */
import { Paper, Text } from '@mantine/core';

export function StatCard({
  label,
  value,
  hint,
  testId,
  compact = false,
}: {
  label: string;
  value: string | number;
  hint?: string | undefined;
  testId?: string | undefined;
  /** Smaller padding and figure, for a card among several on a detail page. */
  compact?: boolean;
}) {
  return (
    <Paper withBorder p={compact ? 'sm' : 'md'} radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={compact ? 22 : 28} fw={700} lh={1.3} data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}
