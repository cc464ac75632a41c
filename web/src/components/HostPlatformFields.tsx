/** The host form's choice of operating system, and for Windows of transport and shell. */
import { Group, Input, SegmentedControl, Stack } from '@mantine/core';
import type { Os, Shell, Transport } from '../api/types.ts';

function Choice<T extends string>({
  label,
  testId,
  value,
  data,
  error,
  onChange,
}: {
  label: string;
  testId: string;
  value: T;
  data: readonly { value: T; label: string }[];
  error: string | undefined;
  onChange: (value: T) => void;
}) {
  return (
    <Input.Wrapper label={label} error={error} labelElement="div" style={{ flex: 1 }}>
      <SegmentedControl
        fullWidth
        aria-label={label}
        data-testid={testId}
        value={value}
        data={[...data]}
        onChange={(v) => onChange(v as T)}
      />
    </Input.Wrapper>
  );
}

export function HostPlatformFields({
  os,
  transport,
  shell,
  errors,
  onOs,
  onTransport,
  onShell,
}: {
  os: Os;
  transport: Transport;
  shell: Shell;
  errors: Record<string, string>;
  onOs: (os: Os) => void;
  onTransport: (transport: Transport) => void;
  onShell: (shell: Shell) => void;
}) {
  return (
    <Stack gap="sm">
      <Choice
        label="Operating system"
        testId="host-os"
        value={os}
        error={errors.os}
        onChange={onOs}
        data={[
          { value: 'linux', label: 'Linux' },
          { value: 'windows', label: 'Windows' },
        ]}
      />
      {os === 'windows' && (
        <Group align="flex-start" gap="md" wrap="nowrap">
          <Choice
            label="Connect with"
            testId="host-transport"
            value={transport}
            error={errors.transport}
            onChange={onTransport}
            data={[
              { value: 'winrm', label: 'WinRM' },
              { value: 'ssh', label: 'OpenSSH' },
            ]}
          />
          <Choice
            label="Shell"
            testId="host-shell"
            value={shell}
            error={errors.shell}
            onChange={onShell}
            data={[
              { value: 'powershell', label: 'PowerShell' },
              { value: 'cmd', label: 'cmd' },
            ]}
          />
        </Group>
      )}
    </Stack>
  );
}
