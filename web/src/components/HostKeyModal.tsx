/** Shows the recorded and the newly presented host key side by side before trusting the new one. */
import { Alert, Code, Stack, Table, Text } from '@mantine/core';
import type { Host, HostKey } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';

function KeyCell({ hostKey }: { hostKey: HostKey | null }) {
  if (!hostKey) return <Text c="dimmed">none recorded</Text>;
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        {hostKey.algorithm}
      </Text>
      <Code style={{ wordBreak: 'break-all' }}>{hostKey.fingerprint}</Code>
    </Stack>
  );
}

export function HostKeyModal({
  host,
  onClose,
  onAccepted,
}: {
  host: Host | null;
  onClose: () => void;
  onAccepted: (host: Host) => void;
}) {
  const api = useApi();
  return (
    <ConfirmDialog
      opened={host !== null && host.pendingHostKey !== null}
      title={host ? `New host key for ${host.name}` : ''}
      confirmLabel="Accept new key"
      color="orange"
      onClose={onClose}
      onConfirm={async () => {
        if (host) onAccepted(await api.acceptHostKey(host.id));
      }}
    >
      {host && (
        <Stack gap="sm">
          <Alert color="orange" variant="light">
            {host.name} ({host.address}:{host.port}) presented a different host key. This is expected after
            the host was reinstalled or its SSH keys were regenerated; otherwise someone may be intercepting
            the connection. Compare the new fingerprint with the one on the host (
            <Code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</Code>) before accepting.
          </Alert>
          <Table withTableBorder layout="fixed" data-testid="host-key-compare">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={90}>Recorded</Table.Th>
                <Table.Td>
                  <KeyCell hostKey={host.hostKey} />
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>New</Table.Th>
                <Table.Td>
                  <KeyCell hostKey={host.pendingHostKey} />
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </ConfirmDialog>
  );
}
