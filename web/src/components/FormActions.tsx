import { Button, Group } from '@mantine/core';

/** Cancel and Save, right-aligned, at the foot of a dialog's form. */
export function FormActions({ busy, onCancel }: { busy: boolean; onCancel: () => void }) {
  return (
    <Group justify="flex-end" mt="xs">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" loading={busy}>
        Save
      </Button>
    </Group>
  );
}
