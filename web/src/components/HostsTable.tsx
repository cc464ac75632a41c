import { Stack, Table, Text } from '@mantine/core';
import type { Host } from '../api/types.ts';
import { HealthBadge, HostFactsText } from './HostHealth.tsx';
import {
  type HostActionHandlers,
  HostActions,
  HostAddress,
  HostKeyText,
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
  return (
    <Table.ScrollContainer minWidth={handlers ? 980 : 820}>
      <Table verticalSpacing="sm" highlightOnHover data-testid="hosts-table">
        <Table.Thead>
          <Table.Tr>
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
              <Table.Td>
                <Stack gap={4} align="flex-start">
                  <Text fw={600} size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {h.name}
                  </Text>
                  <PlatformBadge host={h} />
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
