import { Checkbox, Stack, Table, Text } from '@mantine/core';
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

export function HostsTable({
  hosts,
  handlers,
}: {
  hosts: readonly Host[];
  /** Null when the user may not change hosts. */
  handlers: HostActionHandlers | null;
}) {
  const all = hosts.length > 0 && hosts.every((h) => handlers?.selected.has(h.id));
  const some = hosts.some((h) => handlers?.selected.has(h.id));
  return (
    <Table.ScrollContainer minWidth={handlers ? 980 : 820}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="hosts-table">
        <Table.Thead>
          <Table.Tr>
            {handlers && (
              <Table.Th w={36}>
                <Checkbox
                  aria-label="Select all hosts shown"
                  data-testid="select-all-hosts"
                  checked={all}
                  indeterminate={some && !all}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    for (const h of hosts) handlers.onSelect(h, on);
                  }}
                />
              </Table.Th>
            )}
            <Table.Th>Name</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>Credential</Table.Th>
            <Table.Th>Host key</Table.Th>
            <Table.Th>Health</Table.Th>
            <Table.Th>OS</Table.Th>
            {handlers && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {hosts.map((h) => (
            <Table.Tr key={h.id} data-testid={`host-row-${h.name}`}>
              {handlers && (
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${h.name}`}
                    data-testid={`select-host-${h.name}`}
                    checked={handlers.selected.has(h.id)}
                    onChange={(e) => handlers.onSelect(h, e.currentTarget.checked)}
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Stack gap={4} align="flex-start">
                  <Text fw={600} size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {h.name}
                  </Text>
                  <PlatformBadge host={h} />
                  <InventoryChips host={h} />
                </Stack>
              </Table.Td>
              <Table.Td>
                <HostAddress host={h} />
              </Table.Td>
              <Table.Td>
                {h.credentialName ?? (
                  <Text c="dimmed" size="sm">
                    none
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <HostKeyText host={h} onReviewKey={handlers?.onReviewKey} />
              </Table.Td>
              <Table.Td miw={120}>
                <HealthBadge host={h} />
              </Table.Td>
              <Table.Td>
                <HostFactsText host={h} />
              </Table.Td>
              {handlers && (
                <Table.Td>
                  <HostActions host={h} handlers={handlers} />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
