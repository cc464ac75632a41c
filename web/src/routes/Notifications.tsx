/** Notification rules and the delivery log: who hears about runs, and whether they did. */
import { Anchor, Badge, Button, Group, Loader, Switch, Table, Text, Title, Tooltip } from '@mantine/core';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import type { DeliveryStatus, NotificationRule } from '../api/notification-types.ts';
import { useApi, useMe } from '../auth/session.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { NotificationRuleModal } from '../components/NotificationRuleModal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useResource } from '../hooks/useResource.ts';
import { relativeTime } from '../lib/format.ts';

const DELIVERY_COLOR: Record<DeliveryStatus, string> = { pending: 'blue', delivered: 'green', failed: 'red' };

export function NotificationsPage() {
  const api = useApi();
  const me = useMe();
  const canEdit = me.user.role !== 'viewer';
  const rules = useResource(useCallback(() => api.listNotificationRules(), [api]));
  const [failedOnly, setFailedOnly] = useState(false);
  const deliveries = useResource(
    useCallback(
      () => api.listDeliveries({ limit: 100, ...(failedOnly && { status: 'failed' }) }),
      [api, failedOnly],
    ),
  );
  const [editing, setEditing] = useState<NotificationRule | null>(null);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<NotificationRule | null>(null);
  const list = rules.data ?? [];

  const toggle = async (rule: NotificationRule, enabled: boolean) => {
    const saved = await api.updateNotificationRule(rule.id, { enabled });
    rules.mutate((all) => all?.map((r) => (r.id === saved.id ? saved : r)));
  };

  return (
    <>
      <PageHeader
        title="Notifications"
        description="Webhooks and email when runs start, succeed, fail or are canceled."
        actions={
          canEdit && (
            <Button onClick={() => setAdding(true)} data-testid="add-notification">
              Add notification
            </Button>
          )
        }
      />
      <ErrorAlert error={rules.error} title="Could not load notification rules" />
      {rules.loading ? (
        <Loader />
      ) : list.length === 0 && !rules.error ? (
        <Empty title="No notifications">Add a webhook or an email to hear about failed runs.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="notification-rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Sends to</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Runs of</Table.Th>
                <Table.Th>Enabled</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((r) => (
                <Table.Tr key={r.id} data-testid={`rule-row-${r.name}`}>
                  <Table.Td fw={600}>{r.name}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Badge variant="light" color={r.kind === 'webhook' ? 'grape' : 'cyan'}>
                        {r.kind}
                      </Badge>
                      <Text size="sm" ff={r.kind === 'webhook' ? 'monospace' : undefined} truncate maw={320}>
                        {r.url ?? (r.recipients ?? []).join(', ')}
                      </Text>
                      {r.signed && (
                        <Tooltip label="Bodies carry an X-Orca-Signature HMAC header">
                          <Badge variant="outline" size="xs">
                            signed
                          </Badge>
                        </Tooltip>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{r.events.join(', ')}</Table.Td>
                  <Table.Td>
                    {r.job ? (
                      <Anchor component={Link} to={`/jobs/${r.job.id}`}>
                        {r.job.name}
                      </Anchor>
                    ) : (
                      'every run'
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      checked={r.enabled}
                      disabled={!canEdit}
                      aria-label={`${r.name} enabled`}
                      onChange={(e) => void toggle(r, e.currentTarget.checked)}
                    />
                  </Table.Td>
                  <Table.Td ta="right">
                    {canEdit && (
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button size="xs" variant="subtle" onClick={() => setEditing(r)}>
                          Edit
                        </Button>
                        <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(r)}>
                          Remove
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <Group justify="space-between" mt="xl" mb="sm">
        <Title order={3}>Delivery log</Title>
        <Group gap="sm">
          <Switch
            label="Failed only"
            checked={failedOnly}
            onChange={(e) => setFailedOnly(e.currentTarget.checked)}
          />
          <Button size="xs" variant="default" onClick={() => void deliveries.reload()}>
            Refresh
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={deliveries.error} title="Could not load the delivery log" />
      {(deliveries.data ?? []).length === 0 ? (
        <Text c="dimmed" size="sm">
          No deliveries yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" data-testid="deliveries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Rule</Table.Th>
                <Table.Th>Run</Table.Th>
                <Table.Th>Event</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Last error</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(deliveries.data ?? []).map((d) => (
                <Table.Tr key={d.id} data-testid={`delivery-${d.ruleName}-${d.event}`}>
                  <Table.Td>{relativeTime(d.createdAt)}</Table.Td>
                  <Table.Td>{d.ruleName}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/runs/${d.runId}`} ff="monospace" size="sm">
                      {d.runId.slice(0, 8)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{d.event}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={DELIVERY_COLOR[d.status]}>
                      {d.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td>
                    <Text size="sm" c={d.lastError ? 'red' : 'dimmed'} lineClamp={2}>
                      {d.lastError ?? (d.responseStatus ? `HTTP ${d.responseStatus}` : '')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <NotificationRuleModal
        opened={adding || editing !== null}
        rule={editing}
        onClose={() => {
          setAdding(false);
          setEditing(null);
        }}
        onSaved={(saved) =>
          rules.mutate((all) =>
            all?.some((r) => r.id === saved.id)
              ? all.map((r) => (r.id === saved.id ? saved : r))
              : [...(all ?? []), saved],
          )
        }
      />
      <ConfirmDialog
        opened={removing !== null}
        title={`Remove ${removing?.name ?? 'notification'}?`}
        confirmLabel="Remove"
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          await api.deleteNotificationRule(removing.id);
          rules.mutate((all) => all?.filter((r) => r.id !== removing.id));
        }}
      >
        <Text size="sm">Its delivery log goes too.</Text>
      </ConfirmDialog>
    </>
  );
}
