/** Pieces of a host shown by both the table (wide screens) and the cards (phones). */
import { ActionIcon, Badge, Button, Group, Menu, Text, Tooltip } from '@mantine/core';
import type { Host } from '../api/types.ts';
import { platformDetail, platformLabel } from '../lib/host-form.ts';
import { Icon } from './icons.tsx';

export interface HostActionHandlers {
  /** Ids of hosts whose test is under way. */
  readonly testing: ReadonlySet<string>;
  readonly onTest: (host: Host) => void;
  readonly onReviewKey: (host: Host) => void;
  readonly onEdit: (host: Host) => void;
  readonly onDelete: (host: Host) => void;
  /** Ids of the hosts checked for a bulk action. */
  readonly selected: ReadonlySet<string>;
  readonly onSelect: (host: Host, checked: boolean) => void;
}

/** Pool, tags, labels and groups as chips; nothing when the host has none. */
export function InventoryChips({ host }: { host: Host }) {
  const labels = Object.entries(host.labels);
  if (!host.pool && host.tags.length === 0 && labels.length === 0 && host.groups.length === 0) return null;
  return (
    <Group gap={4} maw={320} data-testid={`host-chips-${host.name}`}>
      {host.pool && (
        <Tooltip label={`only workers started with --tags ${host.pool} run this host`}>
          <Badge size="sm" variant="filled" color="orange" tt="none" data-testid="host-pool">
            pool {host.pool}
          </Badge>
        </Tooltip>
      )}
      {host.tags.map((t) => (
        <Badge key={`t:${t}`} size="sm" variant="outline" tt="none" data-testid="host-tag">
          {t}
        </Badge>
      ))}
      {labels.map(([k, v]) => (
        <Badge key={`l:${k}`} size="sm" variant="light" color="gray" tt="none" data-testid="host-label">
          {k}={v}
        </Badge>
      ))}
      {host.groups.map((g) => (
        <Badge key={`g:${g}`} size="sm" variant="light" color="violet" tt="none" data-testid="host-group">
          {g}
        </Badge>
      ))}
    </Group>
  );
}

export function HostAddress({ host }: { host: Host }) {
  return (
    <Text size="sm" ff="monospace" maw={280} style={{ overflowWrap: 'anywhere' }}>
      <Text span c="dimmed" inherit>
        {host.username}@
      </Text>
      {host.address}:{host.port}
      {host.jumpHost && (
        <Text span c="dimmed" inherit data-testid={`jump-${host.name}`}>
          {' '}
          via {host.jumpHost}
        </Text>
      )}
    </Text>
  );
}

/** OS and transport, e.g. "Windows · WinRM https", so a mixed fleet reads at a glance. */
export function PlatformBadge({ host }: { host: Host }) {
  return (
    <Tooltip label={platformDetail(host)} maw={360} multiline>
      <Badge
        variant="light"
        color={host.os === 'windows' ? 'blue' : 'gray'}
        size="sm"
        radius="sm"
        tt="none"
        data-testid={`platform-${host.name}`}
        style={{ flexShrink: 0 }}
      >
        {platformLabel(host)}
      </Badge>
    </Tooltip>
  );
}

/** WinRM has no SSH host key; the host is identified by its HTTPS certificate, if at all. */
function WinrmIdentity({ host }: { host: Host }) {
  const w = host.winrm;
  if (w?.https && w.skipVerify) {
    return (
      <Tooltip
        label="Any HTTPS certificate is accepted; the host's identity is not checked"
        maw={320}
        multiline
      >
        <Text size="xs" c="orange">
          certificate not verified
        </Text>
      </Tooltip>
    );
  }
  const why = w?.https
    ? 'WinRM has no SSH host key; the host is verified by its HTTPS certificate.'
    : 'WinRM has no SSH host key; use HTTPS to have the host verified by its certificate.';
  return (
    <Tooltip label={why} maw={320} multiline>
      <Text size="xs" c="dimmed">
        not used (WinRM)
      </Text>
    </Tooltip>
  );
}

/** The recorded key; a waiting new key offers its review when `onReviewKey` is given. */
export function HostKeyText({ host, onReviewKey }: { host: Host; onReviewKey?: (host: Host) => void }) {
  if (host.transport === 'winrm') return <WinrmIdentity host={host} />;
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
