/** Create or edit a host group: name, description, its hosts and the groups nested in it. */
import { Modal, MultiSelect, Stack, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Group } from '../api/types.ts';
import { useApi } from '../auth/session.tsx';
import { useFormSubmit } from '../hooks/useFormSubmit.ts';
import { FormActions } from './FormActions.tsx';
import { FormError } from './FormError.tsx';

interface Values {
  name: string;
  description: string;
  hosts: string[];
  children: string[];
}

const same = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

export function GroupFormModal({
  opened,
  group,
  groupNames,
  hostNames,
  onClose,
  onSaved,
}: {
  opened: boolean;
  /** The group to edit; null to create one. */
  group: Group | null;
  groupNames: readonly string[];
  hostNames: readonly string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const api = useApi();
  const [v, setV] = useState<Values>({ name: '', description: '', hosts: [], children: [] });
  const { busy, error, setError, submit, fieldErrors } = useFormSubmit(async () => {
    const body = { name: v.name.trim(), description: v.description, hosts: v.hosts, children: v.children };
    if (!group) await api.createGroup(body);
    else {
      const changed = {
        ...(body.name !== group.name && { name: body.name }),
        ...(body.description !== group.description && { description: body.description }),
        ...(!same(body.hosts, group.hosts) && { hosts: body.hosts }),
        ...(!same(body.children, group.children) && { children: body.children }),
      };
      if (Object.keys(changed).length > 0) await api.updateGroup(group.id, changed);
    }
    onSaved();
    onClose();
  });

  useEffect(() => {
    if (!opened) return;
    setV(
      group
        ? {
            name: group.name,
            description: group.description,
            hosts: [...group.hosts],
            children: [...group.children],
          }
        : { name: '', description: '', hosts: [], children: [] },
    );
    setError(null);
  }, [opened, group, setError]);

  return (
    <Modal opened={opened} onClose={onClose} title={group ? `Edit ${group.name}` : 'New group'} centered>
      <form onSubmit={submit} aria-label={group ? 'Edit group' : 'New group'}>
        <Stack gap="sm">
          <FormError error={error} fields={['name', 'description', 'hosts', 'children']} />
          <TextInput
            label="Name"
            data-testid="group-name"
            description="Selectors pick its hosts as group:NAME"
            required
            data-autofocus
            value={v.name}
            error={fieldErrors.name}
            onChange={(e) => setV({ ...v, name: e.currentTarget.value })}
          />
          <TextInput
            label="Description"
            data-testid="group-description"
            value={v.description}
            error={fieldErrors.description}
            onChange={(e) => setV({ ...v, description: e.currentTarget.value })}
          />
          <MultiSelect
            label="Hosts"
            data-testid="group-hosts"
            description="The hosts directly in this group"
            data={[...hostNames]}
            value={v.hosts}
            error={fieldErrors.hosts}
            onChange={(hosts) => setV({ ...v, hosts })}
            searchable
            clearable
            comboboxProps={{ keepMounted: false }}
          />
          <MultiSelect
            label="Nested groups"
            data-testid="group-children"
            description="Their hosts are this group's hosts too; a group cannot end up inside itself"
            data={groupNames.filter((n) => n !== group?.name)}
            value={v.children}
            error={fieldErrors.children}
            onChange={(children) => setV({ ...v, children })}
            searchable
            clearable
            comboboxProps={{ keepMounted: false }}
          />
          <FormActions busy={busy} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
