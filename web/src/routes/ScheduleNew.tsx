/**
 * A new or changed schedule: the job and its version (pinned or latest), parameter values and
 * targets as the launch form takes them, the cron expression and time zone with the next five
 * fire times shown live, and the overlap and misfire policies.
 */
import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/http.ts';
import type { JobDefinition } from '../api/job-types.ts';
import type { MisfirePolicy, OverlapPolicy, Schedule } from '../api/schedule-types.ts';
import { createSchedule, getSchedule, updateSchedule } from '../api/schedules.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { FirePreview } from '../components/FirePreview.tsx';
import { FormError } from '../components/FormError.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ParameterField } from '../components/ParameterField.tsx';
import { PriorityInput, priorityOf } from '../components/PriorityInput.tsx';
import { selectionOf, type TargetChoice, TargetPicker } from '../components/TargetPicker.tsx';
import { useResource } from '../hooks/useResource.ts';
import { type FieldValue, type FormValues, initialValues, launchValues } from '../lib/params.ts';
import { formValuesOf, targetChoiceOf } from '../lib/schedule-form.ts';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = (): string[] => {
  const list =
    (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return list.includes('UTC') ? list : ['UTC', ...list];
};

export function ScheduleNewPage() {
  return <ScheduleForm />;
}

export function ScheduleEditPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const schedule = useResource(useCallback(() => getSchedule(api, id), [api, id]));
  if (!schedule.data)
    return schedule.error ? (
      <ErrorAlert error={schedule.error} title="Could not load the schedule" />
    ) : (
      <Loader />
    );
  return <ScheduleForm key={schedule.data.id} initial={schedule.data} />;
}

function ScheduleForm({ initial }: { initial?: Schedule }) {
  const api = useApi();
  const canEdit = useSession().can('operator');
  const navigate = useNavigate();
  const jobs = useResource(useCallback(() => api.listJobs(), [api]));
  const hosts = useResource(useCallback(() => api.listHosts(), [api]));
  const [name, setName] = useState(initial?.name ?? '');
  const [jobId, setJobId] = useState<string | null>(initial?.job.id ?? null);
  const [pinned, setPinned] = useState(initial ? initial.version !== null : false);
  const [version, setVersion] = useState<number | ''>(initial?.version ?? '');
  const [cron, setCron] = useState(initial?.cron ?? '0 3 * * *');
  const [timeZone, setTimeZone] = useState(initial?.timeZone ?? browserZone);
  const [overlap, setOverlap] = useState<OverlapPolicy>(initial?.overlap ?? 'skip');
  const [misfire, setMisfire] = useState<MisfirePolicy>(initial?.misfire ?? 'skip');
  const [priority, setPriority] = useState<number | string>(initial?.priority ?? 0);
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [values, setValues] = useState<FormValues>({});
  const [checked, setChecked] = useState<Record<string, string>>({});
  const [targets, setTargets] = useState<TargetChoice>(() => targetChoiceOf(initial?.targets));
  const [previewError, setPreviewError] = useState<{ field: string | null; message: string | null }>({
    field: null,
    message: null,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const job = jobs.data?.find((j) => j.id === jobId);
  const wantedVersion = pinned && typeof version === 'number' ? version : undefined;
  const definition = useResource(
    useCallback(async (): Promise<JobDefinition | null> => {
      if (!jobId) return null;
      if (wantedVersion) return (await api.getJobVersion(jobId, wantedVersion)).definition;
      return (await api.getJob(jobId)).definition;
    }, [api, jobId, wantedVersion]),
  );
  const specs = definition.data?.parameters ?? [];
  const jobTargets = definition.data?.targets;
  const zoneList = useMemo(zones, []);

  const [keepStored, setKeepStored] = useState(initial !== undefined);
  const pickJob = (id: string | null) => {
    setJobId(id);
    setKeepStored(false);
    setValues({});
    setChecked({});
    const j = jobs.data?.find((x) => x.id === id);
    setVersion(j?.version ?? '');
  };
  // New specs (another job or version) start from their defaults; an edit starts from the stored values.
  const specKey = JSON.stringify([jobId, specs.map((s) => s.name)]);
  const [shownKey, setShownKey] = useState('');
  if (definition.data && specKey !== shownKey) {
    setShownKey(specKey);
    setValues(keepStored && initial ? formValuesOf(specs, initial.parameters) : initialValues(specs));
  }

  const serverErrors = error instanceof ApiError ? error.pathErrors() : {};
  const onPreviewError = useCallback(
    (field: string | null, message: string | null) => setPreviewError({ field, message }),
    [],
  );
  const fieldError = (field: string) =>
    serverErrors[field] ?? (previewError.field === field ? (previewError.message ?? undefined) : undefined);
  const targetsError =
    serverErrors.targets ?? serverErrors['targets.hosts'] ?? serverErrors['targets.selector'];

  const change = (param: string, value: FieldValue) => {
    setValues((prev) => ({ ...prev, [param]: value }));
    setChecked(({ [param]: _, ...rest }) => rest);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !jobId) return;
    const { values: parameters, errors } = launchValues(specs, values);
    setChecked(errors);
    setError(null);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      const selection = targets.mode === 'default' ? null : (selectionOf(targets, jobTargets) ?? null);
      const body = {
        name: name.trim(),
        jobId,
        version: wantedVersion ?? null,
        parameters,
        targets: selection,
        cron: cron.trim(),
        timeZone,
        overlap,
        misfire,
        priority: priorityOf(priority),
        enabled,
      };
      if (initial) {
        await updateSchedule(api, initial.id, body);
        navigate(`/schedules/${initial.id}`);
      } else {
        await createSchedule(api, body);
        navigate('/schedules');
      }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={initial ? `Edit ${initial.name}` : 'New schedule'}
        description={
          <Anchor component={Link} to={initial ? `/schedules/${initial.id}` : '/schedules'} size="sm">
            {initial ? 'back to the schedule' : 'back to schedules'}
          </Anchor>
        }
      />
      {!canEdit && (
        <Alert color="yellow" mb="md">
          Your role cannot create schedules. Ask an operator or an admin.
        </Alert>
      )}
      <ErrorAlert error={jobs.error ?? hosts.error ?? definition.error} title="Could not load" />
      <Paper withBorder p={{ base: 'md', sm: 'lg' }} maw={860}>
        <form onSubmit={submit} noValidate>
          <Stack>
            <FormError
              error={error}
              fields={[
                'name',
                'jobId',
                'version',
                'cron',
                'timeZone',
                'targets',
                ...specs.map((s) => `parameters.${s.name}`),
              ]}
            />
            <TextInput
              label="Name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={serverErrors.name}
              data-testid="schedule-name"
            />
            <Select
              label="Job"
              required
              searchable
              data={(jobs.data ?? []).map((j) => ({
                value: j.id,
                label: j.active ? j.name : `${j.name} (inactive)`,
              }))}
              value={jobId}
              onChange={pickJob}
              error={serverErrors.jobId}
              data-testid="schedule-job"
            />
            {job && (
              <Group align="flex-end">
                <Stack gap={4}>
                  <Text size="sm" fw={500}>
                    Version
                  </Text>
                  <SegmentedControl
                    aria-label="Version"
                    value={pinned ? 'pinned' : 'latest'}
                    onChange={(v) => setPinned(v === 'pinned')}
                    data={[
                      { value: 'latest', label: 'Latest when it runs' },
                      { value: 'pinned', label: 'Pinned' },
                    ]}
                  />
                </Stack>
                {pinned && (
                  <NumberInput
                    aria-label="Pinned version"
                    min={1}
                    max={job.version}
                    value={version}
                    onChange={(v) => setVersion(typeof v === 'number' ? v : '')}
                    error={serverErrors.version}
                    w={120}
                  />
                )}
              </Group>
            )}
            <Title order={4} mt="sm">
              When
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Stack gap="sm">
                <TextInput
                  label="Cron expression"
                  description="minute hour day month weekday; seconds optional; L, #, ranges, @daily"
                  required
                  ff="monospace"
                  spellCheck={false}
                  autoCapitalize="none"
                  value={cron}
                  onChange={(e) => setCron(e.currentTarget.value)}
                  error={fieldError('cron')}
                  data-testid="schedule-cron"
                />
                <Select
                  label="Time zone"
                  searchable
                  data={zoneList}
                  value={timeZone}
                  onChange={(v) => setTimeZone(v ?? 'UTC')}
                  error={fieldError('timeZone')}
                  data-testid="schedule-timezone"
                />
              </Stack>
              <FirePreview cron={cron} timeZone={timeZone} onError={onPreviewError} />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label="If the previous run is still going"
                data={[
                  { value: 'skip', label: 'Skip this run' },
                  { value: 'queue', label: 'Queue it until the previous ends' },
                  { value: 'allow', label: 'Run anyway' },
                ]}
                value={overlap}
                onChange={(v) => setOverlap((v ?? 'skip') as OverlapPolicy)}
                allowDeselect={false}
              />
              <Select
                label="Runs missed while orca was down"
                data={[
                  { value: 'skip', label: 'Skip them' },
                  { value: 'run-once', label: 'Run once to catch up' },
                ]}
                value={misfire}
                onChange={(v) => setMisfire((v ?? 'skip') as MisfirePolicy)}
                allowDeselect={false}
              />
            </SimpleGrid>
            <PriorityInput
              value={priority}
              error={serverErrors.priority}
              onChange={setPriority}
              description="Of the runs it starts, from -100 to 100: when workers are busy, higher starts first"
            />
            {job && (
              <>
                <Title order={4} mt="sm">
                  Parameters
                </Title>
                {specs.length === 0 && (
                  <Text size="sm" c="dimmed">
                    This job takes no parameters.
                  </Text>
                )}
                {specs.map((spec) => (
                  <ParameterField
                    key={`${specKey}-${spec.name}`}
                    spec={spec}
                    value={values[spec.name]}
                    error={checked[spec.name] ?? serverErrors[`parameters.${spec.name}`]}
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
                />
              </>
            )}
            <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
            <Group justify="flex-end">
              <Button type="submit" loading={busy} disabled={!canEdit || !jobId || !name.trim()}>
                {initial ? 'Save changes' : 'Create schedule'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
