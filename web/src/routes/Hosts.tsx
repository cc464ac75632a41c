import { Button, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../api/http.ts';
import type { Host, HostsBulkResult } from '../api/types.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { HostBulkBar } from '../components/HostBulkBar.tsx';
import { HostCards } from '../components/HostCards.tsx';
import { type CheckResult, HostCheckAlert } from '../components/HostCheckAlert.tsx';
import { HostFormModal } from '../components/HostFormModal.tsx';
import { HealthFilterControl } from '../components/HostHealth.tsx';
import { HostImportModal } from '../components/HostImportModal.tsx';
import { HostKeyModal } from '../components/HostKeyModal.tsx';
import type { HostActionHandlers } from '../components/HostParts.tsx';
import { HostsTable } from '../components/HostsTable.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProjectFilter, useProjects } from '../components/ProjectSelect.tsx';
import { useResource } from '../hooks/useResource.ts';
import { filterByHealth, type HealthFilter } from '../lib/host-health.ts';

export function HostsPage() {
  const api = useApi();
  const canEdit = useSession().can('operator');
  const hosts = useResource(useCallback(() => api.listHosts(), [api]));
  const credentials = useResource(useCallback(() => api.listCredentials(), [api]));
  const [form, setForm] = useState<{ host: Host | null } | null>(null);
  const [deleting, setDeleting] = useState<Host | null>(null);
  const [keyHost, setKeyHost] = useState<Host | null>(null);
  const [testing, setTesting] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<ReadonlyMap<string, CheckResult>>(new Map());
  const [health, setHealth] = useState<HealthFilter>('all');
  const [importing, setImporting] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [selector, setSelector] = useState('');
  const filter = useSelectorFilter(selector, hosts.data);
  const projects = useProjects();
  const [project, setProject] = useState('');

  const all = (hosts.data ?? []).filter((h) => !project || h.projectId === project);
  const list = filter.ids ? all.filter((h) => filter.ids?.has(h.id)) : all;
  const checked = all.filter((h) => selected.has(h.id));
  const select = (h: Host, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(h.id);
      else next.delete(h.id);
      return next;
    });
  const bulkDone = (r: HostsBulkResult) => {
    for (const c of r.checks) {
      if (c.result) setResult(c.hostId, { check: c.result });
    }
    if (r.action === 'delete') setSelected(new Set());
    void hosts.reload();
  };
  const openForm = (host: Host | null) => {
    // A credential may have been added since this page loaded.
    void credentials.reload();
    setForm({ host });
  };
  const replace = (saved: Host) =>
    hosts.mutate((all) => {
      const rest = (all ?? []).filter((h) => h.id !== saved.id);
      return [...rest, saved].sort((a, b) => a.name.localeCompare(b.name));
    });
  const setResult = (id: string, result: CheckResult | null) =>
    setResults((m) => {
      const next = new Map(m);
      if (result) next.set(id, result);
      else next.delete(id);
      return next;
    });

  const test = async (host: Host) => {
    setTesting((s) => new Set(s).add(host.id));
    setResult(host.id, null);
    try {
      setResult(host.id, { check: await api.testHost(host.id) });
    } catch (error) {
      setResult(host.id, { error });
    } finally {
      setTesting((s) => {
        const next = new Set(s);
        next.delete(host.id);
        return next;
      });
      // The check may have recorded a first key or a pending new one.
      void hosts.reload();
    }
  };

  const handlers: HostActionHandlers | null = canEdit
    ? {
        testing,
        onTest: (h) => void test(h),
        onReviewKey: setKeyHost,
        onEdit: openForm,
        onDelete: setDeleting,
        selected,
        onSelect: select,
      }
    : null;

  return (
    <>
      <PageHeader
        title="Hosts"
        description="Machines orca can run commands on: Linux over SSH, Windows over WinRM or OpenSSH."
        actions={
          canEdit && (
            <>
              <Button variant="default" onClick={() => setImporting(true)} data-testid="import-hosts">
                Import
              </Button>
              <Button onClick={() => openForm(null)} data-testid="add-host">
                Add host
              </Button>
            </>
          )
        }
      />
      <ErrorAlert error={hosts.error} title="Could not load hosts" />
      <ProjectFilter projects={projects} value={project} onChange={setProject} />
      {all.length > 0 && (
        <TextInput
          aria-label="Filter hosts by selector"
          placeholder="Filter: tag:web and env=prod, group:eu, web-*"
          description={filter.count !== null ? `${filter.count} of ${all.length} hosts` : undefined}
          value={selector}
          onChange={(e) => setSelector(e.currentTarget.value)}
          error={filter.error}
          spellCheck={false}
          autoCapitalize="none"
          ff="monospace"
          mb="md"
          maw={560}
          data-testid="hosts-selector"
        />
      )}
      {canEdit && <HostBulkBar hosts={checked} onDone={bulkDone} onClear={() => setSelected(new Set())} />}
      {results.size > 0 && (
        <Stack gap="xs" mb="md" aria-live="polite">
          {[...results].map(([id, result]) => {
            const host = list.find((h) => h.id === id);
            if (!host) return null;
            const keyWaiting =
              'check' in result && result.check.failureKind === 'host-key' && host.pendingHostKey;
            return (
              <HostCheckAlert
                key={id}
                hostName={host.name}
                result={result}
                onClose={() => setResult(id, null)}
                onReviewKey={keyWaiting && canEdit ? () => setKeyHost(host) : undefined}
              />
            );
          })}
        </Stack>
      )}
      {hosts.loading ? (
        <Loader />
      ) : list.length === 0 && !hosts.error ? (
        <Empty
          title="No hosts yet"
          action={canEdit && <Button onClick={() => openForm(null)}>Add your first host</Button>}
        >
          Register a machine with its address, the account to log in as and a credential. An SSH host's key is
          recorded on first contact.
        </Empty>
      ) : (
        <>
          <HealthFilterControl hosts={list} value={health} onChange={setHealth} />
          <HostList hosts={filterByHealth(list, health)} handlers={handlers} />
        </>
      )}

      <HostFormModal
        opened={form !== null}
        host={form?.host ?? null}
        credentials={credentials.data ?? []}
        hosts={list}
        projects={projects}
        onClose={() => setForm(null)}
        onSaved={replace}
      />
      <HostImportModal
        opened={importing}
        credentials={credentials.data ?? []}
        onClose={() => setImporting(false)}
        onImported={() => void hosts.reload()}
      />
      <HostKeyModal
        host={keyHost}
        onClose={() => setKeyHost(null)}
        onAccepted={(h) => {
          replace(h);
          setResult(h.id, null);
        }}
      />
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? 'host'}?`}
        confirmLabel="Delete host"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.deleteHost(deleting.id);
          hosts.mutate((all) => all?.filter((h) => h.id !== deleting.id));
        }}
      >
        <Text size="sm">
          Orca forgets the host and its recorded host key. Past runs on it stay in the history. A bastion
          other hosts go through cannot be deleted until they have another jump host.
        </Text>
      </ConfirmDialog>
    </>
  );
}

/**
 * The hosts a selector picks, asked of the server (so the page filters exactly as runs pick);
 * null ids while there is no selector. A selector that picks nothing shows no host, not an error.
 */
function useSelectorFilter(selector: string, hosts: readonly Host[] | undefined) {
  const api = useApi();
  const [wanted] = useDebouncedValue(selector.trim(), 250);
  const [state, setState] = useState<{ ids: ReadonlySet<string> | null; error: string | null }>({
    ids: null,
    error: null,
  });
  useEffect(() => {
    if (!wanted || !hosts) {
      setState({ ids: null, error: null });
      return;
    }
    let live = true;
    api.listHosts(wanted).then(
      (picked) => live && setState({ ids: new Set(picked.map((h) => h.id)), error: null }),
      (e: unknown) => {
        if (!live) return;
        const detail = e instanceof ApiError ? e.details[0]?.message : undefined;
        setState({ ids: new Set(), error: detail ? `selector: ${detail}` : errorMessage(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [api, wanted, hosts]);
  return { ...state, count: state.ids && !state.error ? state.ids.size : null };
}

/** A table on wide screens, cards on phones (only one is rendered, so test hooks stay unique). */
function HostList({ hosts, handlers }: { hosts: readonly Host[]; handlers: HostActionHandlers | null }) {
  const narrow = useMediaQuery('(max-width: 48em)');
  return narrow ? (
    <HostCards hosts={hosts} handlers={handlers} />
  ) : (
    <HostsTable hosts={hosts} handlers={handlers} />
  );
}
