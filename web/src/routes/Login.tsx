import {
  Alert,
  Box,
  Button,
  Center,
  Divider,
  Group,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import type { AuthProviders } from '../api/auth-types.ts';
import { errorMessage } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { ColorSchemeToggle } from '../components/ColorSchemeToggle.tsx';
import { SecretInput } from '../components/SecretInput.tsx';

/** Only paths of this site: `//evil.example` and absolute URLs fall back to the dashboard. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** "Sign in with <label>" when the server has single sign-on; nothing while unknown or off. */
function useSso(): AuthProviders['oidc'] {
  const { api } = useSession();
  const [oidc, setOidc] = useState<AuthProviders['oidc']>(null);
  useEffect(() => {
    let live = true;
    api.authProviders().then(
      (p) => live && setOidc(p.oidc),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);
  return oidc;
}

export function LoginPage() {
  const { state, login } = useSession();
  const sso = useSso();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (state.status === 'authenticated') return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Box mih="100vh" p="md" pos="relative">
      <Box pos="absolute" top={16} right={16}>
        <ColorSchemeToggle />
      </Box>
      <Center mih="calc(100vh - 2 * var(--mantine-spacing-md))">
        <Paper withBorder shadow="sm" radius="lg" p="xl" w="100%" maw={400}>
          <form onSubmit={submit} aria-label="Sign in">
            <Stack>
              <Group gap="sm">
                <img src="/favicon.svg" alt="" width={36} height={36} />
                <div>
                  <Title order={3}>Sign in to orca</Title>
                  <Text size="sm" c="dimmed">
                    Run commands on your fleet
                  </Text>
                </div>
              </Group>
              {error && (
                <Alert color="red" role="alert" data-testid="login-error">
                  {error}
                </Alert>
              )}
              <TextInput
                label="Username"
                data-testid="login-username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                required
                autoFocus
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
              />
              <SecretInput
                label="Password"
                data-testid="login-password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button type="submit" loading={busy} fullWidth mt="xs">
                Sign in
              </Button>
              {sso && (
                <>
                  <Divider label="or" labelPosition="center" />
                  <Button
                    component="a"
                    variant="default"
                    fullWidth
                    data-testid="login-sso"
                    href={`${sso.loginUrl}?returnTo=${encodeURIComponent(next)}`}
                  >
                    Sign in with {sso.label}
                  </Button>
                </>
              )}
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}
