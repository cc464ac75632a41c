/** A job's YAML (or JSON) document, edited as text: a new job, or a new version of one. */
import { Alert, Anchor, Button, Group, Loader, Paper, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/http.ts';
import type { JobSaved } from '../api/job-types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { JobProblems } from '../components/JobProblems.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProjectField, useProjects } from '../components/ProjectSelect.tsx';

const SCHEMA_URL = '/api/v1/job-schema.json';

const STARTER = [
  '# Reference: docs/jobs.md; schema: /api/v1/job-schema.json',
  'name: New job',
  'description: What it does',
  'parameters:',
  '  message:',
  '    type: string',
  '    default: hello',
  'targets:',
  '  hosts: [web-*]',
  'steps:',
  '  - name: Say it',
  '    type: exec',
  '    command: echo ${{ parameters.message }}',
  '',
].join('\n');

/**
 * Router state after creating a job: the save's result, shown on the job's editor. (The routes
 * give new and edit different keys, so that page mounts afresh and reads it.)
 */
interface EditorState {
  readonly saved?: JobSaved;
}

export function JobEditorPage() {
  const { id } = useParams();
  const api = useApi();
  const canEdit = useSession().can('operator');
  const navigate = useNavigate();
  const location = useLocation();
  const [text, setText] = useState<string | null>(id ? null : STARTER);
  const [name, setName] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<JobSaved | null>((location.state as EditorState | null)?.saved ?? null);

  useEffect(() => {
    if (!id) return;
    let live = true;
    (async () => {
      const job = await api.getJob(id);
      const version = await api.getJobVersion(id, job.version);
      if (!live) return;
      setName(job.name);
      setText(version.source);
    })().catch((e: unknown) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [api, id]);

  const projects = useProjects();
  const [projectId, setProjectId] = useState<string | null>(null);

  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy || text === null) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      if (id) {
        const result = await api.saveJob(id, { document: text });
        setSaved(result);
        setName(result.job.name);
      } else {
        const result = await api.createJob({ document: text, ...(projectId && { projectId }) });
        navigate(`/jobs/${result.job.id}/edit`, {
          replace: true,
          state: { saved: result } satisfies EditorState,
        });
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (loadError) return <ErrorAlert error={loadError} title="Could not load the job" />;
  if (text === null) return <Loader />;
  const problems = error instanceof ApiError ? error.details : [];
  return (
    <>
      <PageHeader
        title={id ? `Edit ${name ?? 'job'}` : 'New job'}
        description={
          <>
            Write the definition in YAML or JSON; saving a changed definition makes a new version. The{' '}
            <Anchor href={SCHEMA_URL} target="_blank" size="sm">
              job schema
            </Anchor>{' '}
            gives an editor completion and checks.
          </>
        }
        actions={
          id && (
            <Button component={Link} to={`/jobs/${id}`} variant="default">
              Back to the job
            </Button>
          )
        }
      />
      {!canEdit && (
        <Alert color="yellow" mb="md">
          Your role cannot change jobs. Ask an operator or an admin.
        </Alert>
      )}
      <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
        <form onSubmit={save}>
          <Stack>
            {error !== null && problems.length > 0 && (
              <JobProblems problems={problems} title="Not saved" color="red" testId="job-errors">
                <Text size="sm">Fix these and save again:</Text>
              </JobProblems>
            )}
            {error !== null && problems.length === 0 && <ErrorAlert error={error} title="Not saved" />}
            {saved && <SavedNotice saved={saved} />}
            {!id && <ProjectField projects={projects} value={projectId} onChange={setProjectId} />}
            <Textarea
              label="Definition"
              description="Ctrl+S saves. Indent with spaces: YAML does not allow tabs."
              data-testid="job-document"
              autosize
              minRows={16}
              maxRows={40}
              spellCheck={false}
              autoCapitalize="none"
              autoCorrect="off"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 's' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  void save();
                }
              }}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={busy} disabled={!canEdit || !text.trim()}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}

function SavedNotice({ saved }: { saved: JobSaved }) {
  const title = saved.changed
    ? `Saved as version ${saved.version}`
    : `No change: the definition equals version ${saved.version}`;
  const open = (
    <Anchor component={Link} to={`/jobs/${saved.job.id}`} size="sm">
      Open the job
    </Anchor>
  );
  if (saved.warnings.length === 0) {
    return (
      <Alert color="green" title={title} data-testid="job-saved">
        {open}
      </Alert>
    );
  }
  return (
    <div data-testid="job-saved">
      <JobProblems
        problems={saved.warnings}
        title={`${title}, with warnings`}
        color="yellow"
        testId="job-warnings"
      >
        <Text size="sm">
          The job is saved. These places are probably not what was meant; {open} or change them here.
        </Text>
      </JobProblems>
    </div>
  );
}
