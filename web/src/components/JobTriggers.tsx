/**
 * A job's inbound webhooks: the list with each trigger's calls, a form mapping request fields to
 * parameters, and the URL and token shown once after creation.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import type { ParameterSpec } from '../api/job-types.ts';
import type { CreatedTrigger, Trigger } from '../api/trigger-types.ts';
import { useApi } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import { useResource } from '../hooks/useResource.ts';
import { relativeTime } from '../lib/format.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { FormError } from './FormError.tsx';
import { PriorityInput, priorityOf } from './PriorityInput.tsx';

function Calls({ jobId, trigger }: { jobId: string; trigger: Trigger }) {
  const api = useApi();
  const calls = useResource(
    useCallback(() => api.triggerInvocations(jobId, trigger.id), [api, jobId, trigger.id]),
  );
  if (calls.error) return <ErrorAlert error={calls.error} title="Could not load the calls" />;
  const list = calls.data ?? [];
  if (list.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No calls yet.
      </Text>
    );
  return (
    <Table verticalSpacing={4} data-testid={`calls-${trigger.name}`}>
      <Table.Tbody>
        {list.map((c) => (
          <Table.Tr key={`${c.at}-${c.status}-${c.runId ?? ''}`}>
            <Table.Td>{relativeTime(c.at)}</Table.Td>
            <Table.Td>{c.remoteAddress ?? ''}</Table.Td>
            <Table.Td>
              <Badge variant="light" color={c.status < 300 ? 'green' : 'red'}>
                {c.status}
              </Badge>
            </Table.Td>
            <Table.Td>
              {c.runId ? (
                <Anchor component={Link} to={`/runs/${c.runId}`} ff="monospace" size="sm">
                  {c.runId.slice(0, 8)}
                </Anchor>
              ) : (
                <Text size="sm" c="red" lineClamp={2}>
                  {c.error}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function CreateTriggerForm({
  jobId,
  parameters,
  onCreated,
}: {
  jobId: string;
  parameters: readonly ParameterSpec[];
  onCreated: (created: CreatedTrigger) => void;
}) {
  const api = useApi();
  const [name, setName] = useState('');
  const [paths, setPaths] = useState<Record<string, string>>({});
  const [fixed, setFixed] = useState('');
  const [hosts, setHosts] = useState('');
  const [priority, setPriority] = useState<number | string>(0);
  const { busy, error, setError, submit, fieldErrors } = useFormSubmit(async () => {
    let values: Record<string, unknown> | undefined;
    if (fixed.trim()) {
      try {
        values = JSON.parse(fixed) as Record<string, unknown>;
      } catch {
        setError(new Error('Fixed values must be a JSON object, e.g. {"env": "production"}'));
        return;
      }
    }
    const mapping = Object.fromEntries(Object.entries(paths).filter(([, p]) => p.trim() !== ''));
    const list = hosts
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    onCreated(
      await api.createTrigger(jobId, {
        name: name.trim(),
        ...(Object.keys(mapping).length > 0 && { mapping }),
        ...(values && { values }),
        ...(list.length > 0 && { targets: { hosts: list } }),
        ...(priorityOf(priority) !== 0 && { priority: priorityOf(priority) }),
      }),
    );
    setName('');
    setPaths({});
    setFixed('');
    setHosts('');
    setPriority(0);
  });
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-label="Add trigger">
      <Stack gap="sm">
        <FormError
          error={error}
          fields={['name', 'mapping', 'values', 'targets', 'priority']}
          title="Not created"
        />
        <TextInput
          label="Name"
          description="What calls it, e.g. ci or github-release"
          required
          value={name}
          error={fieldErrors.name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        {parameters.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Parameters from the request
            </Text>
            <Text size="xs" c="dimmed">
              A path into the JSON body (release.tag, commits[0].id); empty: the fixed value or the default.
              Nothing else in the request is read.
            </Text>
            {parameters.map((p) => (
              <TextInput
                key={p.name}
                label={p.name}
                placeholder="not taken from the request"
                size="xs"
                value={paths[p.name] ?? ''}
                error={fieldErrors[`mapping.${p.name}`]}
                onChange={(e) => setPaths({ ...paths, [p.name]: e.currentTarget.value })}
              />
            ))}
          </Stack>
        )}
        <Textarea
          label="Fixed values (JSON)"
          placeholder='{"env": "production"}'
          autosize
          minRows={1}
          value={fixed}
          error={fieldErrors.values}
          onChange={(e) => setFixed(e.currentTarget.value)}
        />
        <TextInput
          label="Hosts"
          description="Comma-separated names or globs; empty: the job's targets"
          value={hosts}
          error={fieldErrors.targets ?? fieldErrors['targets.hosts']}
          onChange={(e) => setHosts(e.currentTarget.value)}
        />
        <PriorityInput
          value={priority}
          error={fieldErrors.priority}
          onChange={setPriority}
          description="Of the runs it starts, from -100 to 100: when workers are busy, higher starts first"
        />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Create trigger
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function CreatedModal({ created, onClose }: { created: CreatedTrigger | null; onClose: () => void }) {
  return (
    <Modal opened={created !== null} onClose={onClose} title="Trigger created" centered size="xl">
      {created && (
        <Stack>
          <Alert color="yellow" variant="light">
            Copy the token now. Orca keeps it sealed and cannot show it again.
          </Alert>
          <Text size="sm" fw={500}>
            URL
          </Text>
          <Code block data-testid="trigger-url">
            {created.trigger.url}
          </Code>
          <Text size="sm" fw={500}>
            Token
          </Text>
          <Code block className="orca-secret" data-testid="trigger-token">
            {created.token}
          </Code>
          <Text size="sm" c="dimmed">
            Send it as <Code>X-Orca-Token</Code>, or sign the raw body with it (HMAC-SHA256) in{' '}
            <Code>X-Orca-Signature: sha256=…</Code> (GitHub's <Code>X-Hub-Signature-256</Code> works too):
          </Text>
          <Code block>
            {`curl -X POST -H 'Content-Type: application/json' -H 'X-Orca-Token: <token>' \\\n  -d '{"release": {"tag": "v1.2"}}' ${created.trigger.url}`}
          </Code>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

export function JobTriggers({
  jobId,
  parameters,
  canEdit,
}: {
  jobId: string;
  parameters: readonly ParameterSpec[];
  canEdit: boolean;
}) {
  const api = useApi();
  const triggers = useResource(useCallback(() => api.listTriggers(jobId), [api, jobId]));
  const [created, setCreated] = useState<CreatedTrigger | null>(null);
  const [revoking, setRevoking] = useState<Trigger | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const list = triggers.data ?? [];
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A trigger is a URL that starts a run of this job when another system (CI, a Git host, a monitor) POSTs
        to it.
      </Text>
      <ErrorAlert error={triggers.error} title="Could not load triggers" />
      {list.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" data-testid="triggers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>URL</Table.Th>
                <Table.Th>From the request</Table.Th>
                <Table.Th>Last call</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((t) => (
                <Table.Tr key={t.id} data-testid={`trigger-row-${t.name}`}>
                  <Table.Td fw={600}>
                    {t.name} {t.revokedAt && <Badge color="gray">revoked</Badge>}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" truncate maw={320}>
                      {t.url}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {Object.entries(t.mapping)
                        .map(([k, v]) => `${k} ← ${v}`)
                        .join(', ') || '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{t.lastUsedAt ? relativeTime(t.lastUsedAt) : 'never'}</Table.Td>
                  <Table.Td ta="right">
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="subtle" onClick={() => setOpen(open === t.id ? null : t.id)}>
                        Calls
                      </Button>
                      {canEdit && !t.revokedAt && (
                        <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(t)}>
                          Revoke
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {open && list.find((t) => t.id === open) && (
        <Calls jobId={jobId} trigger={list.find((t) => t.id === open)!} />
      )}
      {canEdit && (
        <>
          <Title order={4}>Add a trigger</Title>
          <CreateTriggerForm
            jobId={jobId}
            parameters={parameters}
            onCreated={(c) => {
              setCreated(c);
              void triggers.reload();
            }}
          />
        </>
      )}
      <CreatedModal created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        opened={revoking !== null}
        title={`Revoke ${revoking?.name ?? 'trigger'}?`}
        confirmLabel="Revoke"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await api.revokeTrigger(jobId, revoking.id);
          await triggers.reload();
        }}
      >
        <Text size="sm">Calls to its URL are refused from now on.</Text>
      </ConfirmDialog>
    </Stack>
  );
}
