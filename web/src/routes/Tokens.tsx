import { Badge, Button, Loader, Table, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import type { CreatedToken, Token } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { CreateTokenForm } from '../components/CreateTokenForm.tsx';
import { Empty } from '../components/EmptyState.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { SecretModal } from '../components/SecretModal.tsx';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime, relativeTime } from '../lib/format.ts';

function Expiry({ token }: { token: Token }) {
  if (!token.expiresAt) return <Text size="sm">never</Text>;
  if (Date.parse(token.expiresAt) < Date.now())
    return (
      <Badge color="red" variant="light">
        expired
      </Badge>
    );
  return <Text size="sm">{formatDateTime(token.expiresAt)}</Text>;
}

export function TokensPage() {
  const api = useApi();
  const tokens = useResource(useCallback(() => api.listTokens(), [api]));
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const list = tokens.data ?? [];

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Your tokens for scripts, CI and the CLI. Each acts with its role, never more than your current one."
      />
      <CreateTokenForm
        onCreated={(c) => {
          setCreated(c);
          void tokens.reload();
        }}
      />
      <ErrorAlert error={tokens.error} title="Could not load tokens" />
      {tokens.loading ? (
        <Loader />
      ) : list.length === 0 && !tokens.error ? (
        <Empty title="No tokens">Create one above to call the API from scripts.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={680}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="tokens-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Token</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((t) => (
                <Table.Tr key={t.id} data-testid={`token-row-${t.name}`}>
                  <Table.Td fw={600}>{t.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {t.prefix}…
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color="gray">
                      {t.role ?? 'yours'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{relativeTime(t.createdAt)}</Table.Td>
                  <Table.Td>
                    <Expiry token={t} />
                  </Table.Td>
                  <Table.Td>{t.lastUsedAt ? relativeTime(t.lastUsedAt) : 'never'}</Table.Td>
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => setRevoking(t)}
                      aria-label={`Revoke ${t.name}`}
                    >
                      Revoke
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <SecretModal created={created} onClose={() => setCreated(null)} />
      <ConfirmDialog
        opened={revoking !== null}
        title={`Revoke ${revoking?.name ?? 'token'}?`}
        confirmLabel="Revoke token"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await api.deleteToken(revoking.id);
          tokens.mutate((all) => all?.filter((t) => t.id !== revoking.id));
        }}
      >
        <Text size="sm">Scripts using this token stop working immediately.</Text>
      </ConfirmDialog>
    </>
  );
}
