/** One job: what it does, how its runs went, its versions; run it, edit it, switch it off. */
import { Alert, Badge, Button, Group, Loader, Stack, Switch, Tabs, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { JobSaved } from '../api/job-types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { JobOverview } from '../components/JobOverview.tsx';
import { JobStatsCard } from '../components/JobStatsCard.tsx';
import { JobTriggers } from '../components/JobTriggers.tsx';
import { JobVersions } from '../components/JobVersions.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { RunsTable } from '../components/RunsTable.tsx';
import { useResource } from '../hooks/useResource.ts';
import { relativeTime } from '../lib/format.ts';

const TABS = ['overview', 'runs', 'versions', 'triggers'] as const;
type Tab = (typeof TABS)[number];

export function JobDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const canEdit = useSession().can('operator');
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find((t) => t === params.get('tab')) ?? 'overview';
  const job = useResource(useCallback(() => api.getJob(id), [api, id]));
  const [toggling, setToggling] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (!job.data)
    return job.error ? <ErrorAlert error={job.error} title="Could not load the job" /> : <Loader />;
  const j = job.data;

  const toggle = async (active: boolean) => {
    setToggling(true);
    setActionError(null);
    try {
      const updated = await api.setJobActive(j.id, active);
      job.mutate(() => updated);
    } catch (e) {
      setActionError(e);
    } finally {
      setToggling(false);
    }
  };
  const rolledBack = (saved: JobSaved) => {
    job.mutate(() => saved.job);
    setNotice(
      saved.changed
        ? `Rolled back: version ${saved.version} is now current.`
        : `No change: version ${saved.version} already has that definition.`,
    );
  };

  return (
    <>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span data-testid="job-name">{j.name}</span>
            <Badge variant="light" size="lg" data-testid="job-version">
              v{j.version}
            </Badge>
            {!j.active && (
              <Badge color="gray" variant="light" size="lg">
                inactive
              </Badge>
            )}
          </Group>
        }
        description={`${j.versions} version${j.versions === 1 ? '' : 's'} · updated ${relativeTime(j.updatedAt)}${j.createdBy ? ` · created by ${j.createdBy}` : ''}`}
        actions={
          canEdit && (
            <>
              <Switch
                label="Active"
                checked={j.active}
                disabled={toggling}
                onChange={(e) => void toggle(e.currentTarget.checked)}
                mr="sm"
              />
              <Button component={Link} to={`/jobs/${j.id}/edit`} variant="default">
                Edit
              </Button>
              {j.active ? (
                <Button component={Link} to={`/jobs/${j.id}/run`}>
                  Run
                </Button>
              ) : (
                <Button disabled>Run</Button>
              )}
            </>
          )
        }
      />
      <ErrorAlert error={actionError} title="Not changed" onClose={() => setActionError(null)} />
      {notice && (
        <Alert color="green" mb="md" withCloseButton onClose={() => setNotice(null)} data-testid="job-notice">
          {notice}
        </Alert>
      )}
      {!j.active && (
        <Alert color="gray" mb="md">
          This job is inactive: it keeps its versions and runs, but cannot be started until it is activated.
        </Alert>
      )}
      <Tabs
        value={tab}
        onChange={(v) => setParams(v && v !== 'overview' ? { tab: v } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="runs">Runs</Tabs.Tab>
          <Tabs.Tab value="versions">Versions ({j.versions})</Tabs.Tab>
          <Tabs.Tab value="triggers">Triggers</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview">
          <JobOverview definition={j.definition} />
        </Tabs.Panel>
        <Tabs.Panel value="runs">
          <JobRuns jobId={j.id} version={j.version} />
        </Tabs.Panel>
        <Tabs.Panel value="versions">
          <JobVersions jobId={j.id} current={j.version} onRolledBack={rolledBack} />
        </Tabs.Panel>
        <Tabs.Panel value="triggers">
          <JobTriggers jobId={j.id} parameters={j.definition.parameters} canEdit={canEdit} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function JobRuns({ jobId, version }: { jobId: string; version: number }) {
  const api = useApi();
  const stats = useResource(
    useCallback(() => api.jobStats(jobId), [api, jobId]),
    { refreshMs: 15_000 },
  );
  const runs = useResource(
    useCallback(() => api.listRuns({ job: jobId, limit: 20 }), [api, jobId]),
    { refreshMs: 15_000 },
  );
  return (
    <Stack gap="md">
      <ErrorAlert error={stats.error} title="Could not load the statistics" />
      {stats.data && <JobStatsCard stats={stats.data} />}
      <ErrorAlert error={runs.error} title="Could not load the runs" />
      {runs.loading && !runs.data ? (
        <Loader />
      ) : runs.data && runs.data.length === 0 ? (
        <Empty title="Not run yet">
          <Text size="sm" c="dimmed" span>
            Runs of any version of this job (now v{version}) show up here.
          </Text>
        </Empty>
      ) : (
        runs.data && <RunsTable runs={runs.data} compact />
      )}
    </Stack>
  );
}
