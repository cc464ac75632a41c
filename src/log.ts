/** The process logger: JSON lines, with every field that could hold a secret redacted. */
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'password',
  'passphrase',
  'privateKey',
  'secret',
  'token',
  'authorization',
  '*.password',
  '*.passphrase',
  '*.privateKey',
  '*.secret',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '***' } },
    destination,
  );
}
