/** The frame of every signed-in page: header, collapsible navigation (a drawer on phones), content. */
import {
  AppShell,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useMe, useSession } from '../auth/session.tsx';
import { ChangePasswordModal } from './ChangePasswordModal.tsx';
import { ColorSchemeToggle } from './ColorSchemeToggle.tsx';
import { Icon, type IconName } from './icons.tsx';

const NAV: { to: string; label: string; icon: IconName; exact?: boolean; admin?: boolean }[] = [
  { to: '/', label: 'Dashboard', icon: 'dashboard', exact: true },
  { to: '/run', label: 'Run a command', icon: 'terminal', exact: true },
  { to: '/jobs', label: 'Jobs', icon: 'jobs' },
  { to: '/runs', label: 'Runs', icon: 'history' },
  { to: '/schedules', label: 'Schedules', icon: 'calendar' },
  { to: '/hosts', label: 'Hosts', icon: 'server' },
  { to: '/groups', label: 'Groups', icon: 'groups' },
  { to: '/credentials', label: 'Credentials', icon: 'key' },
  { to: '/notifications', label: 'Notifications', icon: 'bell' },
  { to: '/workers', label: 'Workers', icon: 'server' },
  { to: '/tokens', label: 'API tokens', icon: 'token' },
  { to: '/users', label: 'Users', icon: 'groups', admin: true },
  { to: '/projects', label: 'Projects', icon: 'groups', admin: true },
  { to: '/audit', label: 'Audit log', icon: 'docs', admin: true },
];

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const { logout, logoutAll } = useSession();
  const me = useMe();
  const [passwordOpen, password] = useDisclosure(false);

  // On a phone the navigation covers the page: close it once the user picked a page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => close(), [location.pathname, close]);

  const active = (to: string, exact?: boolean) =>
    exact ? location.pathname === to : location.pathname === to || location.pathname.startsWith(`${to}/`);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Link to="/" className="orca-brand">
              <img src="/favicon.svg" alt="" width={26} height={26} />
              <Text fw={700} size="lg">
                orca
              </Text>
            </Link>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label="User menu">
                  <Text size="sm" c="dimmed" data-testid="current-user">
                    {me.user.username} · {me.user.role}
                  </Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={password.open}>Change password</Menu.Item>
                <Menu.Item onClick={() => void logoutAll()}>Sign out everywhere</Menu.Item>
                <Menu.Divider />
                <Menu.Item leftSection={<Icon name="logout" />} onClick={() => void logout()}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
            <ColorSchemeToggle />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          {NAV.filter((item) => !item.admin || me.user.role === 'admin').map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              leftSection={<Icon name={item.icon} />}
              active={active(item.to, item.exact)}
              variant="light"
              styles={{ root: { borderRadius: 'var(--mantine-radius-md)' } }}
            />
          ))}
        </AppShell.Section>
        <AppShell.Section>
          <Stack gap={4} pt="xs" style={{ borderTop: '1px solid var(--app-shell-border-color)' }}>
            <NavLink
              href="/api/v1/docs"
              target="_blank"
              label="API docs"
              leftSection={<Icon name="docs" />}
              styles={{ root: { borderRadius: 'var(--mantine-radius-md)' } }}
            />
            <NavLink
              component="button"
              label="Sign out"
              leftSection={<Icon name="logout" />}
              onClick={() => void logout()}
              styles={{ root: { borderRadius: 'var(--mantine-radius-md)' } }}
            />
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <ChangePasswordModal opened={passwordOpen} onClose={password.close} />
      <AppShell.Main>
        <div className="orca-page">
          <Outlet />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
