import { Button, Center, Group, Loader, NativeSelect } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { RUN_STATUSES, type Run, type RunStatus } from '../api/types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProjectFilter, useProjects } from '../components/ProjectSelect.tsx';
import { RunsTable } from '../components/RunsTable.tsx';

const PAGE = 50;

function parseStatus(s: string | null): RunStatus | undefined {
  return RUN_STATUSES.find((x) => x === s);
}

export function RunsPage() {
  const api = useApi();
  const canRun = useSession().can('operator');
  const [params, setParams] = useSearchParams();
  const status = parseStatus(params.get('status'));
  const project = params.get('project') ?? '';
  const projects = useProjects();
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const [runs, setRuns] = useState<Run[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);

  /** Loads a page; `before` continues after the oldest run shown. */
  const load = useCallback(
    async (before?: string) => {
      const mine = before ? generation.current : ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api.listRuns({ limit: PAGE, status, before, project: project || undefined });
        if (mine !== generation.current) return;
        setRuns((prev) => {
          if (!before) return page;
          // Runs created in the same instant can straddle the page edge: keep each once.
          const seen = new Set(prev.map((r) => r.id));
          return [...prev, ...page.filter((r) => !seen.has(r.id))];
        });
        setMore(page.length === PAGE);
      } catch (e) {
        if (mine === generation.current) setError(e);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [api, status, project],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const oldest = runs[runs.length - 1];
  return (
    <>
      <PageHeader
        title="Runs"
        description="Every command run, newest first."
        actions={
          <>
            <Button variant="default" onClick={() => void load()}>
              Refresh
            </Button>
            {canRun && (
              <Button component={Link} to="/run">
                Run a command
              </Button>
            )}
          </>
        }
      />
      <Group mb="md" align="flex-end" gap="sm">
        <NativeSelect
          label="Status"
          w={220}
          value={status ?? ''}
          onChange={(e) => setParam('status', e.currentTarget.value)}
          data={[{ value: '', label: 'All statuses' }, ...RUN_STATUSES.map((s) => ({ value: s, label: s }))]}
        />
        <ProjectFilter projects={projects} value={project} onChange={(v) => setParam('project', v)} />
      </Group>
      <ErrorAlert error={error} title="Could not load runs" />
      {runs.length === 0 && loading ? (
        <Loader />
      ) : runs.length === 0 && !error ? (
        <Empty title={status ? `No ${status} runs` : 'No runs yet'}>
          {canRun ? 'Run a command on some hosts and it shows up here.' : 'Nothing has been run yet.'}
        </Empty>
      ) : (
        <>
          <RunsTable runs={runs} />
          {more && oldest && (
            <Center mt="md">
              <Button variant="light" loading={loading} onClick={() => void load(oldest.createdAt)}>
                Load more
              </Button>
            </Center>
          )}
        </>
      )}
    </>
  );
}
