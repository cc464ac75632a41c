/** Finding a job by name or id, and the definition (so the parameters) of one of its versions. */
import type { JobDefinition } from '../domain/jobs/types.ts';
import type { Job, JobDetail, JobVersion } from '../http/job-schemas.ts';
import type { ApiClient } from './client.ts';
import { findByNameOrId } from './hosts.ts';
import { usageError } from './io.ts';

export async function resolveJob(client: ApiClient, key: string): Promise<Job> {
  const job = findByNameOrId(await client.get<Job[]>('/jobs'), key);
  if (!job) throw usageError(`no job named ${key}; see \`orca jobs list\``);
  return job;
}

/** The current version's definition, or that of `version`. */
export async function jobDefinition(client: ApiClient, job: Job, version?: number): Promise<JobDefinition> {
  if (version === undefined || version === job.version) {
    return (await client.get<JobDetail>(`/jobs/${job.id}`)).definition;
  }
  return (await client.get<JobVersion>(`/jobs/${job.id}/versions/${version}`)).definition;
}
