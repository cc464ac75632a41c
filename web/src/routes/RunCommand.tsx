import {
  Alert,
  Anchor,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/http.ts';
import { useApi, useSession } from '../auth/session.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { FormError } from '../components/FormError.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { TargetPreview, useTargetPreview } from '../components/TargetPicker.tsx';
import { useResource } from '../hooks/useResource.ts';
import type { RunPrefill } from '../lib/run-prefill.ts';

export function RunCommandPage() {
  const api = useApi();
  const canRun = useSession().can('operator');
  const navigate = useNavigate();
  const prefill = (useLocation().state ?? null) as RunPrefill | null;
  const hosts = useResource(useCallback(() => api.listHosts(), [api]));
  const [command, setCommand] = useState(prefill?.command ?? '');
  const [selected, setSelected] = useState<string[]>([]);
  const [selector, setSelector] = useState('');
  const [timeout, setTimeoutValue] = useState<number | string>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const names = (hosts.data ?? []).map((h) => h.name);

  // Pre-select the hosts of the run being repeated, once the inventory is known.
  useEffect(() => {
    if (!hosts.data || !prefill?.hosts) return;
    const known = new Set(hosts.data.map((h) => h.name));
    setSelected(prefill.hosts.filter((h) => known.has(h)));
  }, [hosts.data, prefill]);

  const targets = {
    ...(selected.length > 0 && { hosts: selected }),
    ...(selector.trim() && { selector: selector.trim() }),
  };
  const hasTargets = Object.keys(targets).length > 0;
  const preview = useTargetPreview(selector.trim() ? targets : undefined);
  const fieldErrors = error instanceof ApiError ? { ...error.pathErrors(), ...error.fieldErrors() } : {};
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const run = await api.createRun({
        command,
        targets,
        ...(typeof timeout === 'number' && { timeoutSeconds: timeout }),
      });
      navigate(`/runs/${run.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="Run a command" description="Runs a shell command on the chosen hosts in parallel." />
      {!canRun && (
        <Alert color="yellow" mb="md">
          Your role cannot start runs. Ask an operator or an admin.
        </Alert>
      )}
      <ErrorAlert error={hosts.error} title="Could not load hosts" />
      <Paper withBorder p={{ base: 'md', sm: 'lg' }} maw={860}>
        <form onSubmit={submit}>
          <Stack>
            <FormError error={error} fields={['command', 'targets', 'timeoutSeconds']} title="Not started" />
            <Textarea
              label="Command"
              data-testid="run-command"
              description="Runs in the host's shell: the login shell on Linux, PowerShell or cmd on Windows. Ctrl+Enter to run."
              placeholder="uptime"
              required
              autosize
              minRows={3}
              maxRows={14}
              spellCheck={false}
              autoCapitalize="none"
              data-autofocus
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              value={command}
              error={fieldErrors.command}
              onChange={(e) => setCommand(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
              }}
            />
            <Stack gap={4}>
              <MultiSelect
                label="Hosts"
                data-testid="run-hosts"
                placeholder={
                  selected.length ? undefined : names.length ? 'Pick hosts' : 'No hosts registered'
                }
                data={names}
                value={selected}
                onChange={setSelected}
                searchable
                clearable
                nothingFoundMessage="No host by that name"
                maxDropdownHeight={280}
                error={
                  fieldErrors['targets.hosts'] ??
                  (fieldErrors['targets.selector'] ? undefined : fieldErrors.targets)
                }
                comboboxProps={{ keepMounted: false }}
              />
              <Group gap="xs">
                <Button
                  size="compact-xs"
                  variant="subtle"
                  disabled={names.length === 0 || selected.length === names.length}
                  onClick={() => setSelected(names)}
                >
                  Select all ({names.length})
                </Button>
                {selected.length > 0 && (
                  <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setSelected([])}>
                    Clear
                  </Button>
                )}
                {names.length === 0 && !hosts.loading && (
                  <Text size="xs" c="dimmed">
                    <Anchor component={Link} to="/hosts" size="xs">
                      Register a host
                    </Anchor>{' '}
                    first.
                  </Text>
                )}
              </Group>
            </Stack>
            <TextInput
              label="Selector"
              data-testid="run-selector"
              description="Hosts a selector picks, with those chosen above: tag:web and env=prod, group:eu, web-*"
              spellCheck={false}
              autoCapitalize="none"
              ff="monospace"
              value={selector}
              error={fieldErrors['targets.selector']}
              onChange={(e) => setSelector(e.currentTarget.value)}
            />
            {selector.trim() && <TargetPreview preview={preview} />}
            <NumberInput
              label="Timeout (seconds)"
              data-testid="run-timeout"
              description="Optional; empty uses the server default"
              min={1}
              max={7 * 24 * 3600}
              allowDecimal={false}
              allowNegative={false}
              maw={260}
              value={timeout}
              error={fieldErrors.timeoutSeconds}
              onChange={setTimeoutValue}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={busy} disabled={!canRun || !command.trim() || !hasTargets}>
                Run
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
