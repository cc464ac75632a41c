/**
 * Projects in the UI: the caller's projects, a filter for list pages ("All projects" or one), and
 * a field for create forms. Both stay out of the way when the caller sees a single project.
 */
import { Select } from '@mantine/core';
import { useCallback } from 'react';
import type { Project } from '../api/project-types.ts';
import { useApi } from '../auth/session.tsx';
import { useResource } from '../hooks/useResource.ts';

export function useProjects(): readonly Project[] {
  const api = useApi();
  return useResource(useCallback(() => api.listProjects(), [api])).data ?? [];
}

const options = (projects: readonly Project[]) => projects.map((p) => ({ value: p.id, label: p.name }));

/** "All projects" or one; `value` is a project id or '' for all. */
export function ProjectFilter({
  projects,
  value,
  onChange,
}: {
  projects: readonly Project[];
  value: string;
  onChange: (id: string) => void;
}) {
  if (projects.length < 2) return null;
  return (
    <Select
      aria-label="Project"
      data={[{ value: '', label: 'All projects' }, ...options(projects)]}
      value={value}
      onChange={(v) => onChange(v ?? '')}
      allowDeselect={false}
      w={180}
    />
  );
}

/** The project a new resource goes into; hidden when there is only one to choose. */
export function ProjectField({
  projects,
  value,
  onChange,
}: {
  projects: readonly Project[];
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  if (projects.length < 2) return null;
  return (
    <Select
      label="Project"
      description="hosts, credentials and jobs see only their own project's"
      data={options(projects)}
      value={value}
      onChange={onChange}
      placeholder="your only project (admins: default)"
      clearable
    />
  );
}
