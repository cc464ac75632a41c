import { Alert, List } from '@mantine/core';
import { ApiError, errorMessage } from '../api/http.ts';

/** The API's message for a failed call, with its field details when the form cannot place them. */
export function ErrorAlert({
  error,
  title = 'Something went wrong',
  showDetails = true,
  onClose,
}: {
  error: unknown;
  title?: string;
  showDetails?: boolean;
  onClose?: () => void;
}) {
  if (!error) return null;
  const details = showDetails && error instanceof ApiError ? error.details : [];
  return (
    <Alert color="red" title={title} role="alert" withCloseButton={!!onClose} onClose={onClose} mb="md">
      {errorMessage(error)}
      {details.length > 0 && (
        <List size="sm" mt="xs">
          {details.map((d) => (
            <List.Item key={`${d.path}:${d.message}`}>
              {d.path.replace(/^body\.?/, '') || 'request'}: {d.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
