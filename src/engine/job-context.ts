/** What an execution of a job run needs from its run: the definition, and the parameter values. */

import type { Db } from '../db/pool.ts';
import { jobVersionDefinition, runSecretsAad } from '../db/runs.ts';
import type { JobDefinition, ParamValue } from '../domain/jobs/types.ts';
import type { Vault } from '../security/vault.ts';

export interface JobRunContext {
  readonly definition: JobDefinition;
  /** Every value, secrets included: lives only in worker memory. */
  readonly parameters: Readonly<Record<string, ParamValue>>;
  /** The secret parameters' values, masked in all output. */
  readonly secrets: readonly string[];
}

export async function loadJobRunContext(db: Db, vault: Vault, runId: string): Promise<JobRunContext> {
  const run = await db
    .selectFrom('runs')
    .select(['job_id', 'job_version', 'parameters', 'secret_parameters', 'secret_key_id'])
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
  if (!run.job_id || run.job_version === null) throw new Error(`run ${runId} is not a job run`);
  const definition = await jobVersionDefinition(db, run.job_id, run.job_version);
  if (!definition) throw new Error(`job version ${run.job_version} of run ${runId} is missing`);
  const secretValues: Record<string, string> =
    run.secret_parameters && run.secret_key_id
      ? (JSON.parse(
          vault.open({ keyId: run.secret_key_id, data: run.secret_parameters }, runSecretsAad(runId)),
        ) as Record<string, string>)
      : {};
  return {
    definition,
    parameters: { ...(run.parameters as Record<string, ParamValue>), ...secretValues },
    secrets: Object.values(secretValues).filter((v) => v.length > 0),
  };
}
