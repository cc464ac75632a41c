/** Add a notification rule (webhook or email), or change one. The signing key is write-only. */
import {
  Checkbox,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TagsInput,
  TextInput,
} from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import {
  type CreateNotificationRule,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationKind,
  type NotificationRule,
  type UpdateNotificationRule,
} from '../api/notification-types.ts';
import { useApi } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import { useResource } from '../hooks/useResource.ts';
import { FormActions } from './FormActions.tsx';
import { FormError } from './FormError.tsx';
import { SecretInput } from './SecretInput.tsx';

const FIELDS = ['name', 'kind', 'url', 'secret', 'recipients', 'events', 'job', 'enabled'];
const EVENT_LABELS: Record<NotificationEvent, string> = {
  start: 'Started',
  success: 'Succeeded',
  failure: 'Failed',
  cancel: 'Canceled',
};

export function NotificationRuleModal({
  opened,
  rule,
  onClose,
  onSaved,
}: {
  opened: boolean;
  /** The rule to change; null to add one. */
  rule: NotificationRule | null;
  onClose: () => void;
  onSaved: (rule: NotificationRule) => void;
}) {
  const api = useApi();
  const jobs = useResource(useCallback(() => api.listJobs(), [api]));
  const [name, setName] = useState('');
  const [kind, setKind] = useState<NotificationKind>('webhook');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [recipients, setRecipients] = useState<string[]>([]);
  const [events, setEvents] = useState<NotificationEvent[]>(['failure']);
  const [job, setJob] = useState<string | null>(null);
  const [enabled, setEnabled] = useState(true);

  const { busy, error, setError, submit, fieldErrors } = useFormSubmit(async () => {
    let saved: NotificationRule;
    if (rule) {
      const patch: UpdateNotificationRule = {
        ...(name.trim() !== rule.name && { name: name.trim() }),
        ...(kind === 'webhook' && url !== rule.url && { url: url.trim() }),
        ...(kind === 'webhook' && secret && { secret }),
        ...(kind === 'email' && { recipients }),
        events,
        job: job ?? null,
        enabled,
      };
      saved = await api.updateNotificationRule(rule.id, patch);
    } else {
      const common = { name: name.trim(), events, ...(job && { job }), enabled };
      const body: CreateNotificationRule =
        kind === 'webhook'
          ? { ...common, kind, url: url.trim(), ...(secret && { secret }) }
          : { ...common, kind, recipients };
      saved = await api.createNotificationRule(body);
    }
    onSaved(saved);
    onClose();
  });

  useEffect(() => {
    if (!opened) return;
    setName(rule?.name ?? '');
    setKind(rule?.kind ?? 'webhook');
    setUrl(rule?.url ?? '');
    setSecret('');
    setRecipients(rule?.recipients ?? []);
    setEvents(rule?.events ?? ['failure']);
    setJob(rule?.job?.id ?? null);
    setEnabled(rule?.enabled ?? true);
    setError(null);
  }, [opened, rule, setError]);

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={rule ? `Change ${rule.name}` : 'Add notification'}
      centered
      size="lg"
    >
      <form
        onSubmit={submit}
        aria-label={rule ? 'Change notification' : 'Add notification'}
        autoComplete="off"
      >
        <Stack gap="sm">
          <FormError error={error} fields={FIELDS} />
          <TextInput
            label="Name"
            required
            value={name}
            error={fieldErrors.name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          {!rule && (
            <SegmentedControl
              aria-label="Kind"
              data={[
                { value: 'webhook', label: 'Webhook' },
                { value: 'email', label: 'Email' },
              ]}
              value={kind}
              onChange={(v) => setKind(v as NotificationKind)}
            />
          )}
          {kind === 'webhook' ? (
            <>
              <TextInput
                label="URL"
                description="Receives a JSON run summary by POST"
                placeholder="https://hooks.example.com/orca"
                required
                value={url}
                error={fieldErrors.url}
                onChange={(e) => setUrl(e.currentTarget.value)}
              />
              <SecretInput
                label="Signing key"
                description={
                  rule?.signed
                    ? 'Bodies are signed (X-Orca-Signature). Leave empty to keep the current key'
                    : 'Optional: sign bodies with HMAC-SHA256 in the X-Orca-Signature header (16+ characters)'
                }
                value={secret}
                error={fieldErrors.secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
              />
            </>
          ) : (
            <TagsInput
              label="Recipients"
              description="Email addresses; press Enter after each"
              required
              value={recipients}
              error={fieldErrors.recipients}
              onChange={setRecipients}
            />
          )}
          <Checkbox.Group
            label="When"
            value={events}
            error={fieldErrors.events}
            onChange={(v) => setEvents(v as NotificationEvent[])}
          >
            <Group mt={4}>
              {NOTIFICATION_EVENTS.map((e) => (
                <Checkbox key={e} value={e} label={EVENT_LABELS[e]} />
              ))}
            </Group>
          </Checkbox.Group>
          <Select
            label="Job"
            description="Only runs of this job; empty: every run, ad-hoc commands included"
            placeholder="Every run"
            clearable
            searchable
            data={(jobs.data ?? []).map((j) => ({ value: j.id, label: j.name }))}
            value={job}
            error={fieldErrors.job}
            onChange={setJob}
          />
          <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          <FormActions busy={busy} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
