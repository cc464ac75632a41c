import { Loader, Stack } from '@mantine/core';
import { useParams } from 'react-router';
import { useApi } from '../auth/session.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { ExecutionPanel } from '../components/ExecutionPanel.tsx';
import { RunSummary } from '../components/RunSummary.tsx';
import { useLiveRun } from '../hooks/useLiveRun.ts';

export function RunDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const { run, error, connection, outputs, setRun } = useLiveRun(api, id);

  if (!run) return error ? <ErrorAlert error={error} title="Could not load the run" /> : <Loader />;
  return (
    <>
      <ErrorAlert error={error} title="Live updates stopped" />
      <RunSummary run={run} connection={connection} onChange={setRun} />
      <Stack gap="md">
        {run.executions.map((ex) => (
          <ExecutionPanel key={ex.id} runId={run.id} execution={ex} output={outputs.get(ex.id)} />
        ))}
      </Stack>
    </>
  );
}
