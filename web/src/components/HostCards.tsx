/** Hosts as a list of cards, for narrow screens. */
import { Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import type { Host } from '../api/types.ts';
import { HealthBadge, HostFactsText } from './HostHealth.tsx';
import {
  type HostActionHandlers,
  HostActions,
  HostAddress,
  HostKeyText,
  InventoryChips,
  PlatformBadge,
} from './HostParts.tsx';

export function HostCards({
  hosts,
  handlers,
}: {
  hosts: readonly Host[];
  handlers: HostActionHandlers | null;
}) {
  return (
    <Stack gap="sm" data-testid="hosts-cards">
      {hosts.map((h) => (
        <Paper key={h.id} withBorder p="sm" data-testid={`host-row-${h.name}`}>
          <Stack gap={6}>
            <Group justify="space-between" wrap="nowrap">
              <Group gap="xs" wrap="wrap">
                {handlers && (
                  <Checkbox
                    aria-label={`Select ${h.name}`}
                    data-testid={`select-host-${h.name}`}
                    checked={handlers.selected.has(h.id)}
                    onChange={(e) => handlers.onSelect(h, e.currentTarget.checked)}
                  />
                )}
                <Text fw={600}>{h.name}</Text>
                <PlatformBadge host={h} />
              </Group>
              <HealthBadge host={h} />
            </Group>
            <div style={{ overflowX: 'auto' }}>
              <HostAddress host={h} />
            </div>
            <HostFactsText host={h} />
            <InventoryChips host={h} />
            <Group gap="xs" justify="space-between" align="flex-start">
              <Text size="sm" c="dimmed">
                {h.credentialName ?? 'no credential'}
              </Text>
              <div>
                <HostKeyText host={h} onReviewKey={handlers?.onReviewKey} />
              </div>
            </Group>
            {handlers && <HostActions host={h} handlers={handlers} />}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
