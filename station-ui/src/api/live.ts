import { useEffect, useState } from 'react';
import type { Panel, Slot } from './client';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'ended';

/**
 * The panel's data, pushed by the station over server-sent events (GET /api/live): a `panel`
 * snapshot first and whenever the summary changes, a `slot` event for every slot change. The
 * browser reconnects by itself after a network blip; a closed stream (session over) calls
 * `onEnded` so the app can ask the user to sign in again.
 */
export function useLivePanel(onEnded: () => void): { panel: Panel | null; state: LiveState } {
  const [panel, setPanel] = useState<Panel | null>(null);
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    const source = new EventSource('/api/live');
    source.addEventListener('open', () => setState('live'));
    source.addEventListener('panel', (e) => setPanel(JSON.parse((e as MessageEvent<string>).data) as Panel));
    source.addEventListener('slot', (e) => {
      const slot = JSON.parse((e as MessageEvent<string>).data) as Slot;
      setPanel((p) => (p ? { ...p, status: { ...p.status, slots: mergeSlot(p.status.slots, slot) } } : p));
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        setState('ended');
        onEnded();
      } else setState('reconnecting');
    });
    return () => source.close();
  }, [onEnded]);

  return { panel, state };
}

export function mergeSlot(slots: Slot[], slot: Slot): Slot[] {
  const i = slots.findIndex((s) => s.jigId === slot.jigId && s.slot === slot.slot);
  const next = i >= 0 ? slots.map((s, j) => (j === i ? slot : s)) : [...slots, slot];
  return next.sort((a, b) => a.jigId.localeCompare(b.jigId) || a.slot - b.slot);
}
