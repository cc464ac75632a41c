/** The audit log: every change, who made it, from where, and what it changed; filter and export. */
import { Anchor, Badge, Button, Code, Group, Loader, Switch, Table, Text, TextInput } from '@mantine/core';
import { Fragment, useCallback, useState } from 'react';
import type { AuditEntry } from '../api/audit-types.ts';
import { useApi } from '../auth/session.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime } from '../lib/format.ts';

function Details({ entry }: { entry: AuditEntry }) {
  const parts: [string, unknown][] = [
    ['request', entry.request],
    ['before', entry.before],
    ['after', entry.after],
  ];
  return (
    <Group align="flex-start" grow wrap="nowrap">
      {parts
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([label, v]) => (
          <div key={label}>
            <Text size="xs" fw={600} mb={4}>
              {label}
            </Text>
            <Code block mah={260} style={{ overflow: 'auto' }}>
              {JSON.stringify(v, null, 2)}
            </Code>
          </div>
        ))}
    </Group>
  );
}

export function AuditPage() {
  const api = useApi();
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [text, setText] = useState('');
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const filters = {
    ...(action.trim() && { action: action.trim() }),
    ...(actor.trim() && { actor: actor.trim() }),
    ...(text.trim() && { q: text.trim() }),
    ...(failed && { failed: true }),
  };
  const key = JSON.stringify(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters are keyed by their JSON
  const entries = useResource(useCallback(() => api.listAudit({ ...filters, limit: 200 }), [api, key]));
  const list = entries.data ?? [];
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made through orca, and every run started or canceled. Append-only."
        actions={
          <Button
            component="a"
            variant="default"
            href={api.auditExportUrl(filters)}
            data-testid="audit-export"
          >
            Export (JSON lines)
          </Button>
        }
      />
      <Group mb="md" align="flex-end">
        <TextInput
          label="Action"
          placeholder="hosts, runs.cancel"
          value={action}
          onChange={(e) => setAction(e.currentTarget.value)}
        />
        <TextInput
          label="Who"
          placeholder="alice, scheduler"
          value={actor}
          onChange={(e) => setActor(e.currentTarget.value)}
        />
        <TextInput
          label="Text"
          placeholder="a name, an id, an address"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        <Switch
          label="Refused and failed only"
          checked={failed}
          onChange={(e) => setFailed(e.currentTarget.checked)}
        />
      </Group>
      <ErrorAlert error={entries.error} title="Could not load the audit log" />
      {entries.loading && !entries.data ? (
        <Loader />
      ) : list.length === 0 && !entries.error ? (
        <Empty title="Nothing here">No entry matches.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="xs" data-testid="audit-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Path</Table.Th>
                <Table.Th>From</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((e) => (
                <Fragment key={e.id}>
                  <Table.Tr data-testid={`audit-${e.id}`}>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(e.at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {e.actor}{' '}
                      <Text span size="xs" c="dimmed">
                        {e.via}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        component="button"
                        size="sm"
                        onClick={() => setOpen(open === e.id ? null : e.id)}
                      >
                        {e.action}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge
                        variant="light"
                        color={e.status < 400 ? 'green' : e.status < 500 ? 'orange' : 'red'}
                      >
                        {e.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {e.method} {e.path}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{e.address ?? ''}</Text>
                    </Table.Td>
                  </Table.Tr>
                  {open === e.id && (
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <Details entry={e} />
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
