/** Loads something from the API for a component: data, error, a reload, and optional refreshing. */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  /** True only for the first load (or after `load` changes), not for background refreshes. */
  readonly loading: boolean;
  reload(): Promise<void>;
  /** Replaces the data locally, e.g. after a mutation returned the new value. */
  mutate(update: (data: T | undefined) => T | undefined): void;
}

/** `load` must be stable (wrap it in useCallback); a new `load` starts over. */
export function useResource<T>(load: () => Promise<T>, options: { refreshMs?: number } = {}): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const run = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const value = await load();
      if (mine !== generation.current) return;
      setData(value);
      setError(null);
    } catch (e) {
      if (mine === generation.current) setError(e);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [load]);

  useEffect(() => {
    setLoading(true);
    void run();
    return () => {
      generation.current++;
    };
  }, [run]);

  const { refreshMs } = options;
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void run();
    }, refreshMs);
    return () => clearInterval(timer);
  }, [run, refreshMs]);

  const mutate = useCallback((update: (d: T | undefined) => T | undefined) => setData(update), []);
  return { data, error, loading, reload: run, mutate };
}
