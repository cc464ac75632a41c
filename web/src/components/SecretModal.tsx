import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import type { CreatedToken } from '../api/types.ts';

/** The new token's secret, shown this one time. */
export function SecretModal({ created, onClose }: { created: CreatedToken | null; onClose: () => void }) {
  const code = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);

  const copy = async (secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      // No clipboard API outside secure contexts (plain http): select the text for Ctrl+C instead.
      const el = code.current;
      if (el) window.getSelection()?.selectAllChildren(el);
      setCopied('select');
    }
  };
  const close = () => {
    setCopied(null);
    onClose();
  };

  return (
    <Modal opened={created !== null} onClose={close} title="Token created" centered size="lg">
      {created && (
        <Stack>
          <Alert color="yellow" variant="light">
            Copy the token now. Orca stores only a hash of it and cannot show it again.
          </Alert>
          <Code block className="orca-secret" data-testid="token-secret" ref={code}>
            {created.secret}
          </Code>
          <Text size="sm" c="dimmed">
            Use it as <Code>Authorization: Bearer &lt;token&gt;</Code>, or with the CLI.
          </Text>
          <Group justify="flex-end">
            {copied === 'select' && (
              <Text size="sm" c="dimmed">
                Selected: press Ctrl+C (⌘C) to copy
              </Text>
            )}
            <Button
              color={copied === 'yes' ? 'teal' : undefined}
              variant="light"
              onClick={() => void copy(created.secret)}
            >
              {copied === 'yes' ? 'Copied' : 'Copy'}
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
