/** A worker pool as the API takes it (src/domain/pools.ts). */
import { Type } from '@sinclair/typebox';
import { POOL_PATTERN } from '../domain/pools.ts';

export const Pool = Type.String({
  pattern: POOL_PATTERN,
  maxLength: 127,
  description: 'a worker tag key=value: only workers started with --tags key=value run this host',
});
