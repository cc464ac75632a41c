import { ApiError } from '../api/http.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/**
 * A form's failure: the API's message, plus the details of fields the form does not show
 * next to an input (those it does are passed as `fields`).
 */
export function FormError({
  error,
  fields,
  title = 'Not saved',
}: {
  error: unknown;
  fields: readonly string[];
  title?: string;
}) {
  if (!error) return null;
  const field = (path: string) => path.replace(/^body\.?/, '').split(/[.[]/)[0] ?? '';
  const unplaced = error instanceof ApiError && error.details.some((d) => !fields.includes(field(d.path)));
  return <ErrorAlert error={error} title={title} showDetails={unplaced} />;
}
