/** PostgreSQL errors recognised by SQLSTATE, never by message text. */
import { ErrorCode, OrcaError } from '../domain/errors.ts';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

const sqlState = (e: unknown): string | undefined => (e as { code?: unknown }).code as string | undefined;

export function conflictOnUnique(message: string) {
  return (e: unknown): never => {
    if (sqlState(e) === UNIQUE_VIOLATION) throw new OrcaError(ErrorCode.conflict, message);
    throw e;
  };
}

export function conflictOnForeignKey(message: string) {
  return (e: unknown): never => {
    if (sqlState(e) === FOREIGN_KEY_VIOLATION) throw new OrcaError(ErrorCode.conflict, message);
    throw e;
  };
}
