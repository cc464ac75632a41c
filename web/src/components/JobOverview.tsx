/** What a job version defines: description, targets, strategy, parameters and steps. */
import { Badge, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { JobDefinition } from '../api/job-types.ts';
import {
  defaultText,
  parameterTypeText,
  stepDetail,
  stepSettings,
  strategyText,
  targetsText,
} from '../lib/job-text.ts';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

export function JobOverview({ definition: d }: { definition: JobDefinition }) {
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          {d.description && <Text data-testid="job-description">{d.description}</Text>}
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Fact label="Category">{d.category ?? '—'}</Fact>
            <Fact label="Tags">
              {d.tags.length === 0 ? (
                '—'
              ) : (
                <Group gap={4}>
                  {d.tags.map((t) => (
                    <Badge key={t} variant="outline" size="sm" tt="none">
                      {t}
                    </Badge>
                  ))}
                </Group>
              )}
            </Fact>
            <Fact label="Default targets">{targetsText(d.targets)}</Fact>
          </SimpleGrid>
          <Fact label="Strategy">
            <span data-testid="job-strategy">{strategyText(d.strategy)}</span>
          </Fact>
        </Stack>
      </Paper>

      <Title order={4}>Parameters</Title>
      {d.parameters.length === 0 ? (
        <Text c="dimmed" size="sm">
          This job takes no parameters.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table verticalSpacing="xs" data-testid="job-parameters">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Default</Table.Th>
                <Table.Th>Description</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.parameters.map((p) => (
                <Table.Tr key={p.name}>
                  <Table.Td>
                    <Code>{p.name}</Code>
                    {p.required && (
                      <Badge ml={6} size="xs" color="red" variant="light">
                        required
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{parameterTypeText(p)}</Table.Td>
                  <Table.Td>{defaultText(p) ?? <Text c="dimmed">—</Text>}</Table.Td>
                  <Table.Td>{p.description ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <Title order={4}>Steps</Title>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" data-testid="job-steps">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Step</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Does</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.steps.map((s, i) => {
              const settings = stepSettings(s);
              return (
                <Table.Tr key={s.id} data-testid={`job-step-${s.id}`}>
                  <Table.Td>{i + 1}</Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {s.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      id {s.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none">
                      {s.type}
                    </Badge>
                  </Table.Td>
                  <Table.Td maw={520}>
                    <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                      {stepDetail(s)}
                    </Code>
                    {settings.length > 0 && (
                      <Text size="xs" c="dimmed" mt={4}>
                        {settings.join(' · ')}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
