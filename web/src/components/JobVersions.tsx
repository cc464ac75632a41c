/** A job's version history: who saved what when, a diff between any two, and rollback. */
import {
  Button,
  Code,
  Group,
  Loader,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { JobSaved, JobVersion, JobVersionSummary } from '../api/job-types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime, relativeTime } from '../lib/format.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { VersionDiff } from './VersionDiff.tsx';

export function JobVersions({
  jobId,
  current,
  onRolledBack,
}: {
  jobId: string;
  /** The job's current version number; the list reloads when it changes. */
  current: number;
  onRolledBack: (saved: JobSaved) => void;
}) {
  const api = useApi();
  const canEdit = useSession().can('operator');
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new current version means a new list
  const load = useCallback(() => api.listJobVersions(jobId), [api, jobId, current]);
  const versions = useResource(load);
  const [rollbackTo, setRollbackTo] = useState<number | null>(null);
  const list = versions.data ?? [];

  return (
    <Stack gap="md">
      <ErrorAlert error={versions.error} title="Could not load the versions" />
      {versions.loading && !versions.data && <Loader />}
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" data-testid="job-versions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Author</Table.Th>
                <Table.Th>Saved</Table.Th>
                <Table.Th>Hash</Table.Th>
                {canEdit && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((v) => (
                <Table.Tr key={v.version} data-testid={`job-version-${v.version}`}>
                  <Table.Td>
                    <Text size="sm" fw={v.version === current ? 700 : 400}>
                      v{v.version}
                      {v.version === current && ' (current)'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{v.author ?? '—'}</Table.Td>
                  <Table.Td>
                    <Tooltip label={formatDateTime(v.createdAt)}>
                      <Text size="sm">{relativeTime(v.createdAt)}</Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Code>{v.hash.slice(0, 10)}</Code>
                  </Table.Td>
                  {canEdit && (
                    <Table.Td>
                      {v.version !== current && (
                        <Button
                          size="compact-xs"
                          variant="light"
                          aria-label={`Roll back to version ${v.version}`}
                          onClick={() => setRollbackTo(v.version)}
                        >
                          Roll back
                        </Button>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.length > 1 && <VersionCompare jobId={jobId} versions={list} />}
      <ConfirmDialog
        opened={rollbackTo !== null}
        title={`Roll back to version ${rollbackTo}?`}
        confirmLabel="Roll back"
        color="blue"
        onClose={() => setRollbackTo(null)}
        onConfirm={async () => {
          if (rollbackTo === null) return;
          onRolledBack(await api.rollbackJob(jobId, rollbackTo));
        }}
      >
        <Text size="sm">
          Version {rollbackTo}'s definition becomes current again as a new version; the versions after it stay
          in the history. Runs started from now on use it.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}

/** Two versions picked from the history and the diff of their documents. */
function VersionCompare({ jobId, versions }: { jobId: string; versions: readonly JobVersionSummary[] }) {
  const api = useApi();
  // Newest first: by default the one before the current against the current.
  const [to, setTo] = useState(String(versions[0]?.version ?? 1));
  const [from, setFrom] = useState(String(versions[1]?.version ?? 1));
  const [docs, setDocs] = useState<{ from: JobVersion; to: JobVersion } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const newest = versions[0]?.version;
  const second = versions[1]?.version;

  // When a new version appears (a save or a rollback elsewhere on the page), compare against it.
  useEffect(() => {
    if (newest === undefined) return;
    setTo(String(newest));
    setFrom(String(second ?? newest));
  }, [newest, second]);

  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([api.getJobVersion(jobId, Number(from)), api.getJobVersion(jobId, Number(to))]).then(
      ([a, b]) => live && setDocs({ from: a, to: b }),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, jobId, from, to]);

  const options = versions.map((v) => ({ value: String(v.version), label: `v${v.version}` }));
  const loaded = docs && String(docs.from.version) === from && String(docs.to.version) === to;
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={5}>Compare versions</Title>
        <Group gap="sm" align="flex-end">
          <Select
            label="From"
            data={options}
            value={from}
            onChange={(v) => v && setFrom(v)}
            allowDeselect={false}
            w={120}
          />
          <Select
            label="To"
            data={options}
            value={to}
            onChange={(v) => v && setTo(v)}
            allowDeselect={false}
            w={120}
          />
          <Button
            variant="subtle"
            size="sm"
            onClick={() => {
              setFrom(to);
              setTo(from);
            }}
          >
            Swap
          </Button>
        </Group>
        <ErrorAlert error={error} title="Could not load the versions" />
        {loaded ? (
          <VersionDiff older={docs.from.source} newer={docs.to.source} />
        ) : (
          !error && <Loader size="sm" />
        )}
      </Stack>
    </Paper>
  );
}
