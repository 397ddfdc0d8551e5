import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api';

/** State of an async load. */
export interface AsyncState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Loads again (keeps the previous data while loading). */
  reload: () => void;
}

/**
 * Runs `load` when `deps` change and on `reload()`; results of superseded runs are dropped, so a
 * slow answer never overwrites a newer one.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    const id = ++run.current;
    let live = true;
    void Promise.resolve()
      .then(() => {
        if (live) setLoading(true);
        return loadRef.current();
      })
      .then(
        (value) => {
          if (!live || id !== run.current) return;
          setData(value);
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (!live || id !== run.current) return;
          setError(errorMessage(err));
          setLoading(false);
        },
      );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps decide when to load
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
