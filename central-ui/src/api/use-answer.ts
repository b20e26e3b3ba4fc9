import { useCallback, useEffect, useState } from 'react';

export interface Answer<T> {
  data?: T;
  problem?: string;
  reload: () => void;
}

/**
 * Loads one answer of the typed client for a screen, again when `key` changes or on reload().
 * A 401 means the session ended: `onEnded` sends the console back to sign-in.
 */
export function useAnswer<T>(load: () => Promise<T>, key: string, onEnded: () => void): Answer<T> {
  const [state, setState] = useState<{ data?: T; problem?: string }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data }),
      (err: Error & { status?: number }) => {
        if (!live) return;
        if (err.status === 401) onEnded();
        setState({ problem: err.message });
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
