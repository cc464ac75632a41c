/** Actions on the checked hosts: tag, untag, test, delete (with a confirmation). */
import { Button, Group, Paper, TagsInput, Text } from '@mantine/core';
import { useState } from 'react';
import type { BulkAction, Host, HostsBulkResult } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';

export function HostBulkBar({
  hosts,
  onDone,
  onClear,
}: {
  /** The checked hosts. */
  hosts: readonly Host[];
  onDone: (result: HostsBulkResult) => void;
  onClear: () => void;
}) {
  const api = useApi();
  const [tags, setTags] = useState<string[]>([]);
  const [busy, setBusy] = useState<BulkAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);

  const run = async (action: BulkAction) => {
    setBusy(action);
    setError(null);
    try {
      const result = await api.bulkHosts({
        action,
        hosts: hosts.map((h) => h.name),
        ...((action === 'tag' || action === 'untag') && { tags }),
      });
      if (action === 'tag' || action === 'untag') setTags([]);
      onDone(result);
    } catch (e) {
      // The delete dialog shows its own error.
      if (action === 'delete') throw e;
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  if (hosts.length === 0) return null;
  return (
    <Paper withBorder p="sm" mb="md" data-testid="host-bulk-bar">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Text size="sm" fw={500} data-testid="host-bulk-count">
          {hosts.length} selected
        </Text>
        <TagsInput
          aria-label="Tags to add or remove"
          placeholder="Tags, Enter after each"
          value={tags}
          onChange={setTags}
          data-testid="host-bulk-tags"
          miw={220}
          size="xs"
        />
        <Button
          size="xs"
          disabled={tags.length === 0}
          loading={busy === 'tag'}
          onClick={() => void run('tag')}
          data-testid="host-bulk-tag"
        >
          Tag
        </Button>
        <Button
          size="xs"
          variant="light"
          disabled={tags.length === 0}
          loading={busy === 'untag'}
          onClick={() => void run('untag')}
          data-testid="host-bulk-untag"
        >
          Untag
        </Button>
        <Button
          size="xs"
          variant="light"
          loading={busy === 'test'}
          onClick={() => void run('test')}
          data-testid="host-bulk-test"
        >
          Test
        </Button>
        <Button
          size="xs"
          variant="light"
          color="red"
          onClick={() => setConfirming(true)}
          data-testid="host-bulk-delete"
        >
          Delete
        </Button>
        <Button size="xs" variant="subtle" color="gray" onClick={onClear}>
          Clear selection
        </Button>
      </Group>
      <ErrorAlert error={error} title="Nothing was changed" />
      <ConfirmDialog
        opened={confirming}
        title={`Delete ${hosts.length} host${hosts.length === 1 ? '' : 's'}?`}
        confirmLabel="Delete hosts"
        onClose={() => setConfirming(false)}
        onConfirm={() => run('delete')}
      >
        <Text size="sm">{hosts.map((h) => h.name).join(', ')}. Past runs on them stay in the history.</Text>
      </ConfirmDialog>
    </Paper>
  );
}
