/** The user's own password: the current one, then the new one twice. Other sessions end. */
import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import { FormError } from './FormError.tsx';

export const PASSWORD_MIN_LENGTH = 12;

export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const api = useApi();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState<number | null>(null);
  const mismatch = repeat !== '' && repeat !== next;
  const { busy, error, setError, submit, fieldErrors } = useFormSubmit(async () => {
    if (mismatch) return;
    const r = await api.changePassword({ currentPassword: current, newPassword: next });
    setDone(r.sessionsEnded);
    setCurrent('');
    setNext('');
    setRepeat('');
  });
  const close = () => {
    setDone(null);
    setError(null);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Change password" centered>
      {done !== null ? (
        <Stack>
          <Alert color="teal" variant="light" data-testid="password-changed">
            Password changed.{' '}
            {done === 0 ? 'No other sessions were open.' : `${done} other session(s) signed out.`}
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack component="form" onSubmit={submit} aria-label="Change password">
          <FormError error={error} fields={['currentPassword', 'newPassword']} title="Not changed" />
          <PasswordInput
            label="Current password"
            required
            autoComplete="current-password"
            value={current}
            error={fieldErrors.currentPassword}
            onChange={(e) => setCurrent(e.currentTarget.value)}
          />
          <PasswordInput
            label="New password"
            description={`At least ${PASSWORD_MIN_LENGTH} characters, not containing your user name`}
            required
            minLength={PASSWORD_MIN_LENGTH}
            autoComplete="new-password"
            value={next}
            error={fieldErrors.newPassword}
            onChange={(e) => setNext(e.currentTarget.value)}
          />
          <PasswordInput
            label="Repeat the new password"
            required
            autoComplete="new-password"
            value={repeat}
            error={mismatch ? 'does not match the new password' : undefined}
            onChange={(e) => setRepeat(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={mismatch}>
              Change password
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
