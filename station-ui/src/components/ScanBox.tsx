import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, type Slot } from '../api/client';

/**
 * Barcode scanners type like a keyboard and end with Enter. A jig's barcode (its id) scans the
 * jig for devices; a device's serial finds its slot. Typing anywhere on the page while nothing
 * else has focus goes into this box, so a scan is never lost.
 */
export function ScanBox({ slots, jigIds, onFound }: { slots: Slot[]; jigIds: string[]; onFound: (slot: Slot | null) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const [said, setSaid] = useState<{ text: string; bad: boolean } | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.activeElement === document.body && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) input.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const code = value.trim();
    setValue('');
    if (!code) return;
    const jig = jigIds.find((j) => j.toLowerCase() === code.toLowerCase());
    if (jig) {
      try {
        const r = await call(api.POST('/api/jigs/{jigId}/scan', { params: { path: { jigId: jig } } }));
        setSaid({ text: `${jig}: ${r.queued.length} device${r.queued.length === 1 ? '' : 's'} started (slots ${r.slots.join(', ') || 'none'})`, bad: false });
      } catch (err) {
        setSaid({ text: `${jig}: ${(err as Error).message}`, bad: true });
      }
      return;
    }
    const slot = slots.find((s) => s.deviceSerial?.toLowerCase() === code.toLowerCase()) ?? null;
    onFound(slot);
    setSaid(slot ? { text: `${code} is on ${slot.jigId} slot ${slot.slot}`, bad: false } : { text: `${code}: not a jig here and no slot holds this device`, bad: true });
  };

  return (
    <form className="scan" onSubmit={submit} role="search">
      <label htmlFor="scan-input">Scan a jig or a device</label>
      <input id="scan-input" ref={input} autoFocus autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} placeholder="jig-1 or SN000001" />
      <button type="submit">Go</button>
      <p className={said?.bad ? 'said bad' : 'said'} role="status" aria-live="polite">
        {said?.text ?? ''}
      </p>
    </form>
  );
}
