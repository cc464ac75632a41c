/** Who is logged in, the API client bound to that session, and the guard for signed-in pages. */
import { Center, Loader } from '@mantine/core';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { OrcaClient } from '../api/client.ts';
import type { Me, Role } from '../api/types.ts';

type SessionState =
  | { readonly status: 'loading' }
  | { readonly status: 'anonymous'; readonly error?: unknown }
  | { readonly status: 'authenticated'; readonly me: Me };

export interface Session {
  readonly api: OrcaClient;
  readonly state: SessionState;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Ends every session of the user, in every browser, this one included. */
  logoutAll(): Promise<void>;
  /** Whether the user's role reaches `role` (viewer < operator < admin). */
  can(role: Role): boolean;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children, client }: { children: ReactNode; client?: OrcaClient }) {
  const [api] = useState(() => client ?? new OrcaClient());
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    // Any 401 means the session is gone (expired, logged out elsewhere): back to the login page.
    api.http.onUnauthorized = () => setState({ status: 'anonymous' });
    let live = true;
    api.me().then(
      (me) => live && setState(me ? { status: 'authenticated', me } : { status: 'anonymous' }),
      (error: unknown) => live && setState({ status: 'anonymous', error }),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const login = useCallback(
    async (username: string, password: string) => {
      const me = await api.login(username, password);
      setState({ status: 'authenticated', me });
    },
    [api],
  );
  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setState({ status: 'anonymous' });
    }
  }, [api]);

  const logoutAll = useCallback(async () => {
    try {
      await api.logoutAll();
    } finally {
      setState({ status: 'anonymous' });
    }
  }, [api]);

  const value = useMemo<Session>(
    () => ({
      api,
      state,
      login,
      logout,
      logoutAll,
      can: (role) => state.status === 'authenticated' && RANK[state.me.user.role] >= RANK[role],
    }),
    [api, state, login, logout, logoutAll],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a <SessionProvider>');
  return session;
}

export function useApi(): OrcaClient {
  return useSession().api;
}

/** The signed-in user; only valid inside <RequireAuth>. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useMe outside <RequireAuth>');
  return state.me;
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (state.status === 'anonymous') {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}
