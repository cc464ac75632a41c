import { ApiError } from '../api/http.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/**
 * A form's failure: the API's message, plus the details of fields the form does not show
 * next to an input (those it does are passed as `fields`: a top-level field such as `port`
 * covers everything under it, a path such as `winrm.auth` only itself).
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
  const placed = (path: string) => {
    const p = path.replace(/^body\.?/, '');
    return fields.includes(p) || fields.includes(p.split(/[.[]/)[0] ?? '');
  };
  const unplaced = error instanceof ApiError && error.details.some((d) => !placed(d.path));
  return <ErrorAlert error={error} title={title} showDetails={unplaced} />;
}
