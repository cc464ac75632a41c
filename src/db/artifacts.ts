/**
 * Files that `download` steps bring back, stored in the database in chunks (PostgreSQL is the
 * only store) and streamed back out for download.
 */
import { Readable } from 'node:stream';
import type { Db } from './pool.ts';

export const ARTIFACT_CHUNK_BYTES = 1024 * 1024;

/** Collects bytes into chunks of ARTIFACT_CHUNK_BYTES and stores each as it fills. */
export class ArtifactWriter {
  private seq = 0;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  size = 0;

  private constructor(
    private readonly db: Db,
    readonly id: string,
  ) {}

  /** Starts an artifact; a previous attempt's artifact of the same name and execution is replaced. */
  static async create(
    db: Db,
    a: { runId: string; executionId: string; stepIndex: number; name: string },
  ): Promise<ArtifactWriter> {
    await db
      .deleteFrom('artifacts')
      .where('execution_id', '=', a.executionId)
      .where('name', '=', a.name)
      .execute();
    const row = await db
      .insertInto('artifacts')
      .values({ run_id: a.runId, execution_id: a.executionId, step_index: a.stepIndex, name: a.name })
      .returning('id')
      .executeTakeFirstOrThrow();
    return new ArtifactWriter(db, row.id);
  }

  async write(chunk: Buffer): Promise<void> {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    this.size += chunk.length;
    while (this.bufferedBytes >= ARTIFACT_CHUNK_BYTES) {
      const all = Buffer.concat(this.buffered);
      await this.store(all.subarray(0, ARTIFACT_CHUNK_BYTES));
      const rest = all.subarray(ARTIFACT_CHUNK_BYTES);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.bufferedBytes = rest.length;
    }
  }

  /** Stores the rest and marks the artifact complete with its checksum. */
  async complete(sha256: string): Promise<void> {
    if (this.bufferedBytes > 0) await this.store(Buffer.concat(this.buffered));
    this.buffered = [];
    this.bufferedBytes = 0;
    await this.db
      .updateTable('artifacts')
      .set({ complete: true, size: this.size, sha256 })
      .where('id', '=', this.id)
      .execute();
  }

  /** Removes a partial artifact (the download failed). */
  async discard(): Promise<void> {
    await this.db.deleteFrom('artifacts').where('id', '=', this.id).execute();
  }

  private async store(data: Buffer): Promise<void> {
    await this.db
      .insertInto('artifact_chunks')
      .values({ artifact_id: this.id, seq: this.seq++, data: Buffer.from(data) })
      .execute();
  }
}

export interface StoredArtifact {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly sha256: string | null;
}

export async function findArtifact(db: Db, runId: string, id: string): Promise<StoredArtifact | undefined> {
  const row = await db
    .selectFrom('artifacts')
    .select(['id', 'name', 'size', 'sha256'])
    .where('run_id', '=', runId)
    .where('id', '=', id)
    .where('complete', '=', true)
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, size: Number(row.size), sha256: row.sha256 } : undefined;
}

/** The artifact's bytes, read one chunk at a time. */
export function artifactStream(db: Db, id: string): Readable {
  let seq = 0;
  return new Readable({
    async read() {
      try {
        const row = await db
          .selectFrom('artifact_chunks')
          .select('data')
          .where('artifact_id', '=', id)
          .where('seq', '=', seq)
          .executeTakeFirst();
        seq++;
        this.push(row ? row.data : null);
      } catch (e) {
        this.destroy(e as Error);
      }
    },
  });
}
