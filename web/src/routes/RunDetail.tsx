import { Loader, Stack, Title } from '@mantine/core';
import { useParams } from 'react-router';
import type { Execution } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { ExecutionPanel } from '../components/ExecutionPanel.tsx';
import { RunArtifacts, RunParameters } from '../components/RunJobParts.tsx';
import { RunSummary } from '../components/RunSummary.tsx';
import { useLiveRun } from '../hooks/useLiveRun.ts';

/** Executions by rolling batch, in batch order. */
function byBatch(executions: readonly Execution[]): [number, Execution[]][] {
  const groups = new Map<number, Execution[]>();
  for (const ex of executions) groups.set(ex.batch, [...(groups.get(ex.batch) ?? []), ex]);
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

export function RunDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const { run, error, connection, outputs, setRun } = useLiveRun(api, id);

  if (!run) return error ? <ErrorAlert error={error} title="Could not load the run" /> : <Loader />;
  const batches = byBatch(run.executions);
  const several = batches.length > 1;
  return (
    <>
      <ErrorAlert error={error} title="Live updates stopped" />
      <RunSummary run={run} connection={connection} onChange={setRun} />
      {run.kind === 'job' && <RunParameters run={run} />}
      <RunArtifacts runId={run.id} artifacts={run.artifacts} />
      <Stack gap="md">
        {batches.map(([batch, executions]) => (
          <Stack key={batch} gap="md" data-testid={several ? `batch-group-${batch + 1}` : undefined}>
            {several && <Title order={4}>Batch {batch + 1}</Title>}
            {executions.map((ex) => (
              <ExecutionPanel
                key={ex.id}
                runId={run.id}
                execution={ex}
                outputs={outputs}
                steps={run.steps}
                showBatch={several}
              />
            ))}
          </Stack>
        ))}
      </Stack>
    </>
  );
}
