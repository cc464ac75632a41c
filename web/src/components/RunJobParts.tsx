/** The parts of a job run's page that ad-hoc runs lack: the values it used and the files it fetched. */
import { Anchor, Code, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Artifact, RunDetail } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { formatBytes } from '../lib/format.ts';
import { targetsText } from '../lib/job-text.ts';
import { formatParamValue } from '../lib/params.ts';

export function RunParameters({ run }: { run: RunDetail }) {
  // By name: the stored object's key order is the database's, not the job's.
  const entries = Object.entries(run.parameters).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Paper withBorder p={{ base: 'sm', sm: 'md' }} radius="md" mb="md">
      <Stack gap="xs">
        <Title order={5}>Parameters</Title>
        {entries.length === 0 ? (
          <Text size="sm" c="dimmed">
            None.
          </Text>
        ) : (
          <Table verticalSpacing={4} data-testid="run-parameters" withRowBorders={false}>
            <Table.Tbody>
              {entries.map(([name, value]) => (
                <Table.Tr key={name} data-testid={`run-param-${name}`}>
                  <Table.Td w="1%" style={{ whiteSpace: 'nowrap' }}>
                    <Code>{name}</Code>
                  </Table.Td>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                    {formatParamValue(value)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Text size="sm" c="dimmed" data-testid="run-targets">
          Targets: {targetsText(run.targets)}
        </Text>
      </Stack>
    </Paper>
  );
}

export function RunArtifacts({ runId, artifacts }: { runId: string; artifacts: readonly Artifact[] }) {
  const api = useApi();
  if (artifacts.length === 0) return null;
  return (
    <Paper withBorder p={{ base: 'sm', sm: 'md' }} radius="md" mb="md">
      <Title order={5} mb="xs">
        Artifacts
      </Title>
      <Table.ScrollContainer minWidth={520}>
        <Table verticalSpacing={4} data-testid="run-artifacts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Host</Table.Th>
              <Table.Th>Step</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>SHA-256</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {artifacts.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Anchor href={api.artifactUrl(runId, a.id)} download={a.name} size="sm">
                    {a.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{a.hostName}</Table.Td>
                <Table.Td>{a.stepIndex + 1}</Table.Td>
                <Table.Td>{formatBytes(a.size)}</Table.Td>
                <Table.Td>
                  <Code title={a.sha256 ?? undefined}>{a.sha256 ? a.sha256.slice(0, 12) : '—'}</Code>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
