/** The submit lifecycle every form shares: busy while saving, the API error kept for display. */
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/http.ts';

export function useFormSubmit(save: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await save();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  // By top-level field (`port`) and by whole path (`winrm.auth`), for nested inputs.
  const fieldErrors = error instanceof ApiError ? { ...error.pathErrors(), ...error.fieldErrors() } : {};
  return { busy, error, setError, submit, fieldErrors };
}
