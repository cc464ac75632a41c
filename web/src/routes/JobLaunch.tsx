/** The run form of a job: built from its current version's parameters, with the targets to use. */
import { Alert, Anchor, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/http.ts';
import type { JobDetail } from '../api/job-types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { FormError } from '../components/FormError.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ParameterField } from '../components/ParameterField.tsx';
import { PriorityInput } from '../components/PriorityInput.tsx';
import { selectionOf, type TargetChoice, TargetPicker } from '../components/TargetPicker.tsx';
import { useResource } from '../hooks/useResource.ts';
import { type FieldValue, type FormValues, initialValues, launchValues } from '../lib/params.ts';

export function JobLaunchPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const job = useResource(useCallback(() => api.getJob(id), [api, id]));
  if (!job.data)
    return job.error ? <ErrorAlert error={job.error} title="Could not load the job" /> : <Loader />;
  return <LaunchForm job={job.data} />;
}

function LaunchForm({ job }: { job: JobDetail }) {
  const api = useApi();
  const canRun = useSession().can('operator');
  const navigate = useNavigate();
  const specs = job.definition.parameters;
  const jobTargets = job.definition.targets;
  const hosts = useResource(useCallback(() => api.listHosts(), [api]));
  const [values, setValues] = useState<FormValues>(() => initialValues(specs));
  const [checked, setChecked] = useState<Record<string, string>>({});
  const [targets, setTargets] = useState<TargetChoice>({
    mode: jobTargets ? 'default' : 'hosts',
    hosts: [],
    selector: '',
  });
  const [resolved, setResolved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [priority, setPriority] = useState<number | string>(0);

  const serverErrors = error instanceof ApiError ? error.pathErrors() : {};
  const fieldError = (name: string) => checked[name] ?? serverErrors[`parameters.${name}`];
  const targetsError =
    serverErrors.targets ?? serverErrors['targets.hosts'] ?? serverErrors['targets.selector'];

  const change = (name: string, value: FieldValue) => {
    setValues((prev) => ({ ...prev, [name]: value }));
    setChecked(({ [name]: _, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const { values: parameters, errors } = launchValues(specs, values);
    setChecked(errors);
    setError(null);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      const selection = targets.mode === 'default' ? undefined : selectionOf(targets, jobTargets);
      const run = await api.launchJob(job.id, {
        parameters,
        ...(selection && { targets: selection }),
        version: job.version,
        ...(typeof priority === 'number' && priority !== 0 && { priority }),
      });
      navigate(`/runs/${run.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const noTargets = !selectionOf(targets, jobTargets) || resolved === 0;
  return (
    <>
      <PageHeader
        title={`Run ${job.name}`}
        description={
          <>
            Version {job.version} ·{' '}
            <Anchor component={Link} to={`/jobs/${job.id}`} size="sm">
              back to the job
            </Anchor>
          </>
        }
      />
      {!canRun && (
        <Alert color="yellow" mb="md">
          Your role cannot start runs. Ask an operator or an admin.
        </Alert>
      )}
      {!job.active && (
        <Alert color="yellow" mb="md">
          This job is inactive; activate it on the job's page to run it.
        </Alert>
      )}
      <ErrorAlert error={hosts.error} title="Could not load hosts" />
      <Paper withBorder p={{ base: 'md', sm: 'lg' }} maw={860}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <FormError
              error={error}
              fields={[...specs.map((s) => `parameters.${s.name}`), 'targets']}
              title="Not started"
            />
            {Object.keys(checked).length > 0 && (
              <Text size="sm" c="red" role="alert">
                Some values are not valid; see the marked fields.
              </Text>
            )}
            <Title order={4}>Parameters</Title>
            {specs.length === 0 && (
              <Text size="sm" c="dimmed">
                This job takes no parameters.
              </Text>
            )}
            {specs.map((spec) => (
              <ParameterField
                key={spec.name}
                spec={spec}
                value={values[spec.name]}
                error={fieldError(spec.name)}
                onChange={(v) => change(spec.name, v)}
              />
            ))}
            <Title order={4} mt="sm">
              Where
            </Title>
            <TargetPicker
              choice={targets}
              onChange={setTargets}
              jobTargets={jobTargets}
              hostNames={(hosts.data ?? []).map((h) => h.name)}
              error={targetsError}
              onResolved={setResolved}
            />
            <PriorityInput value={priority} error={serverErrors.priority} onChange={setPriority} />
            <Group justify="flex-end">
              <Button type="submit" loading={busy} disabled={!canRun || !job.active || noTargets}>
                Launch
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
