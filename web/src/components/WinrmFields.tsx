/** The host form's WinRM options: HTTPS and its certificate checks, authentication, encryption. */
import { Alert, Checkbox, Fieldset, NativeSelect, Stack, Switch, Textarea } from '@mantine/core';
import type { WinrmAuth, WinrmValues } from '../lib/host-form.ts';

export function WinrmFields({
  value,
  errors,
  onChange,
}: {
  value: WinrmValues;
  /** Keyed by path, e.g. `winrm.auth`. */
  errors: Record<string, string>;
  onChange: (value: WinrmValues) => void;
}) {
  const set =
    <K extends keyof WinrmValues>(key: K) =>
    (v: WinrmValues[K]) =>
      onChange({ ...value, [key]: v });
  // Over HTTPS TLS protects everything; a set flag stays visible so it can be turned off.
  const showUnencrypted = !value.https && (value.auth === 'basic' || value.allowUnencrypted);
  return (
    <Fieldset legend="WinRM" data-testid="winrm-fields" variant="filled" p="sm" pt={4}>
      <Stack gap="sm">
        <Switch
          label="HTTPS"
          data-testid="winrm-https"
          description={
            value.https
              ? 'TLS to the host’s HTTPS listener, port 5986 by default'
              : 'Off: HTTP, port 5985 by default; Negotiate encrypts every message'
          }
          checked={value.https}
          error={errors['winrm.https']}
          onChange={(e) => set('https')(e.currentTarget.checked)}
        />
        {value.https && (
          <>
            <Textarea
              label="CA certificate"
              data-testid="winrm-ca-cert"
              description="PEM of the CA that signed the host’s certificate, if the system does not trust it already"
              placeholder="-----BEGIN CERTIFICATE-----"
              autosize
              minRows={3}
              maxRows={8}
              spellCheck={false}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
              value={value.caCert}
              error={errors['winrm.caCert']}
              onChange={(e) => set('caCert')(e.currentTarget.value)}
            />
            <Checkbox
              label="Skip certificate verification"
              data-testid="winrm-skip-verify"
              checked={value.skipVerify}
              error={errors['winrm.skipVerify']}
              onChange={(e) => set('skipVerify')(e.currentTarget.checked)}
            />
            {value.skipVerify && (
              <Alert color="orange" variant="light" p="xs" data-testid="winrm-skip-verify-warning">
                Orca will accept any certificate, so whoever sits between orca and the host can read the
                password and every command. Prefer the CA certificate above.
              </Alert>
            )}
          </>
        )}
        <NativeSelect
          label="Authentication"
          data-testid="winrm-auth"
          value={value.auth}
          error={errors['winrm.auth']}
          onChange={(e) => set('auth')(e.currentTarget.value as WinrmAuth)}
          data={[
            { value: 'negotiate', label: 'Negotiate (NTLM, encrypted)' },
            { value: 'basic', label: 'Basic' },
          ]}
          description={
            value.auth === 'basic'
              ? 'Basic must be enabled on the host (it is off by default); local accounts only'
              : 'What a default Windows Server accepts'
          }
        />
        {showUnencrypted && (
          <Checkbox
            label="Host accepts unencrypted messages"
            data-testid="winrm-allow-unencrypted"
            description={
              value.auth === 'basic'
                ? 'Basic over HTTP needs it, and sends the password and all output readable on the network. A default Windows Server refuses unencrypted messages (AllowUnencrypted is false); prefer HTTPS.'
                : 'Not needed with Negotiate, which encrypts every message unless this is on.'
            }
            checked={value.allowUnencrypted}
            error={errors['winrm.allowUnencrypted']}
            onChange={(e) => set('allowUnencrypted')(e.currentTarget.checked)}
          />
        )}
      </Stack>
    </Fieldset>
  );
}
