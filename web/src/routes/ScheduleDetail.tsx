/** One schedule: what it runs and when, and its fire history with the runs the fires started. */
import { Anchor, Badge, Button, Code, Loader, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { type ReactNode, useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Schedule, ScheduleFire, ScheduleFireStatus } from '../api/schedule-types.ts';
import { deleteSchedule, getSchedule, listScheduleFires, setScheduleEnabled } from '../api/schedules.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { wallTime } from '../components/FirePreview.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useResource } from '../hooks/useResource.ts';
import { formatParamValue } from '../lib/params.ts';

const FIRE_COLOR: Record<ScheduleFireStatus, string> = {
  started: 'green',
  launching: 'blue',
  waiting: 'yellow',
  skipped: 'gray',
  missed: 'orange',
  failed: 'red',
};

export function ScheduleDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const schedule = useResource(useCallback(() => getSchedule(api, id), [api, id]));
  const fires = useResource(
    useCallback(() => listScheduleFires(api, id), [api, id]),
    { refreshMs: 10_000 },
  );
  if (!schedule.data)
    return schedule.error ? (
      <ErrorAlert error={schedule.error} title="Could not load the schedule" />
    ) : (
      <Loader />
    );
  return (
    <ScheduleView
      schedule={schedule.data}
      fires={fires.data}
      firesError={fires.error}
      onChange={(s) => schedule.mutate(() => s)}
    />
  );
}

function ScheduleView({
  schedule: s,
  fires,
  firesError,
  onChange,
}: {
  schedule: Schedule;
  fires: ScheduleFire[] | undefined;
  firesError: unknown;
  onChange: (s: Schedule) => void;
}) {
  const api = useApi();
  const canEdit = useSession().can('operator');
  const navigate = useNavigate();
  const [confirm, setConfirm] = useState(false);
  const [toggleError, setToggleError] = useState<unknown>(null);
  const toggle = async () => {
    setToggleError(null);
    try {
      onChange(await setScheduleEnabled(api, s.id, !s.enabled));
    } catch (e) {
      setToggleError(e);
    }
  };
  const params = Object.entries(s.parameters);
  return (
    <>
      <PageHeader
        title={s.name}
        description={
          <Anchor component={Link} to="/schedules" size="sm">
            back to schedules
          </Anchor>
        }
        actions={
          canEdit && (
            <>
              <Button component={Link} to={`/schedules/${s.id}/edit`} variant="light">
                Edit
              </Button>
              <Button variant="light" onClick={toggle} data-testid="schedule-toggle">
                {s.enabled ? 'Disable' : 'Enable'}
              </Button>
              <Button color="red" variant="light" onClick={() => setConfirm(true)}>
                Delete
              </Button>
            </>
          )
        }
      />
      <ErrorAlert error={toggleError} title="Not changed" />
      <Paper withBorder p="md" mb="lg">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Field label="Job">
            <Anchor component={Link} to={`/jobs/${s.job.id}`}>
              {s.job.name}
            </Anchor>{' '}
            {s.version === null ? 'latest version' : `version ${s.version}`}
            {!s.job.active && ' (job inactive: does not fire)'}
          </Field>
          <Field label="When">
            <Code>{s.cron}</Code> in {s.timeZone}
          </Field>
          <Field label="State">{s.enabled ? 'enabled' : 'disabled'}</Field>
          <Field label="Next run">{s.nextFireAt ? wallTime(s.nextFireAt, s.timeZone) : '—'}</Field>
          <Field label="Overlap">{s.overlap}</Field>
          <Field label="Misfire">{s.misfire}</Field>
          <Field label="Priority">{s.priority}</Field>
          <Field label="Targets">
            {s.targets?.hosts?.join(', ') ?? s.targets?.selector ?? "the job's targets"}
          </Field>
          <Field label="Parameters">
            {params.length === 0 ? '—' : params.map(([k, v]) => `${k}=${formatParamValue(v)}`).join('  ')}
          </Field>
        </SimpleGrid>
      </Paper>
      <Text fw={600} mb="xs">
        Fires
      </Text>
      <ErrorAlert error={firesError} title="Could not load the fire history" />
      {fires && fires.length === 0 && (
        <Text c="dimmed" size="sm">
          It has not fired yet.
        </Text>
      )}
      {fires && fires.length > 0 && (
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing="xs" data-testid="schedule-fires">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Fire time</Table.Th>
                <Table.Th>Fire</Table.Th>
                <Table.Th>Run</Table.Th>
                <Table.Th>Note</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fires.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{wallTime(f.fireAt, s.timeZone)}</Table.Td>
                  <Table.Td>
                    <Badge color={FIRE_COLOR[f.status]} variant="light">
                      {f.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {f.run ? (
                      <Anchor component={Link} to={`/runs/${f.run.id}`}>
                        <StatusBadge status={f.run.status} />
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{f.message ?? ''}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmDialog
        opened={confirm}
        title={`Delete ${s.name}?`}
        confirmLabel="Delete"
        onClose={() => setConfirm(false)}
        onConfirm={async () => {
          await deleteSchedule(api, s.id);
          navigate('/schedules');
        }}
      >
        The schedule and its fire history are deleted; the runs it started stay.
      </ConfirmDialog>
    </>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}
