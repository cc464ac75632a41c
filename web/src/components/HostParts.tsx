/** Pieces of a host shown by both the table (wide screens) and the cards (phones). */
import { ActionIcon, Badge, Button, Group, Menu, Text, Tooltip } from '@mantine/core';
import type { Host, HostCheck } from '../api/types.ts';
import { formatDuration, relativeTime } from '../lib/format.ts';
import { Icon } from './icons.tsx';

export interface HostActionHandlers {
  /** Ids of hosts whose test is under way. */
  readonly testing: ReadonlySet<string>;
  readonly onTest: (host: Host) => void;
  readonly onReviewKey: (host: Host) => void;
  readonly onEdit: (host: Host) => void;
  readonly onDelete: (host: Host) => void;
}

export function LastCheck({ check }: { check: HostCheck | null }) {
  if (!check) {
    return (
      <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        never tested
      </Text>
    );
  }
  const when = relativeTime(check.checkedAt);
  if (check.ok) {
    return (
      <Tooltip label={`checked ${when}`}>
        <Badge color="green" variant="light">
          ok{check.latencyMs !== null ? ` · ${formatDuration(check.latencyMs)}` : ''}
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Tooltip label={`${check.message} (${when})`} multiline maw={360}>
      <Badge color={check.failureKind === 'host-key' ? 'orange' : 'red'} variant="light">
        {check.failureKind ?? 'failed'}
      </Badge>
    </Tooltip>
  );
}

export function HostAddress({ host }: { host: Host }) {
  return (
    <Text size="sm" ff="monospace" maw={280} style={{ overflowWrap: 'anywhere' }}>
      <Text span c="dimmed" inherit>
        {host.username}@
      </Text>
      {host.address}:{host.port}
    </Text>
  );
}

/** The recorded key; a waiting new key offers its review when `onReviewKey` is given. */
export function HostKeyText({ host, onReviewKey }: { host: Host; onReviewKey?: (host: Host) => void }) {
  const fp = host.hostKey?.fingerprint;
  return (
    <>
      {host.hostKey && fp ? (
        <Tooltip label={`${host.hostKey.algorithm} ${fp}`} maw={420} multiline>
          <Text size="xs" ff="monospace">
            {fp.length > 22 ? `${fp.slice(0, 20)}…` : fp}
          </Text>
        </Tooltip>
      ) : (
        <Text size="xs" c="dimmed">
          learned on first contact
        </Text>
      )}
      {host.pendingHostKey &&
        (onReviewKey ? (
          <Button
            size="compact-xs"
            color="orange"
            mt={4}
            onClick={() => onReviewKey(host)}
            aria-label={`Accept new host key for ${host.name}`}
          >
            Review new key
          </Button>
        ) : (
          <Badge color="orange" variant="filled" size="xs" mt={4}>
            new key waiting
          </Badge>
        ))}
    </>
  );
}

export function HostActions({ host: h, handlers }: { host: Host; handlers: HostActionHandlers }) {
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      <Button
        size="xs"
        variant="light"
        loading={handlers.testing.has(h.id)}
        onClick={() => handlers.onTest(h)}
        aria-label={`Test connection to ${h.name}`}
      >
        Test connection
      </Button>
      <Menu position="bottom-end">
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${h.name}`}>
            <Icon name="more" strokeWidth={3} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => handlers.onEdit(h)}>Edit</Menu.Item>
          <Menu.Item color="red" onClick={() => handlers.onDelete(h)}>
            Delete
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
