import type { Slot } from '../api/client';

/** What each phase means on the line, in the operator's words. */
export const PHASE_TEXT: Record<Slot['phase'], string> = {
  idle: 'Idle',
  queued: 'Waiting',
  hello: 'Reading device',
  csr: 'Device making its key',
  issuing: 'Signing certificate',
  injecting: 'Writing certificate',
  verifying: 'Checking certificate',
  locking: 'Locking device',
  done: 'Done',
  retrying: 'Retrying',
  interrupted: 'Jig unplugged — waiting',
  failed: 'Failed',
  refused: 'Refused',
};

const ACTIVE = new Set(['queued', 'hello', 'csr', 'issuing', 'injecting', 'verifying', 'locking']);

export function slotTone(phase: Slot['phase']): string {
  return ACTIVE.has(phase) ? 'active' : phase;
}

export function SlotCard({ slot, highlighted }: { slot: Slot; highlighted: boolean }) {
  const id = `slot-${slot.jigId}-${slot.slot}`;
  return (
    <article id={id} className={`slot tone-${slotTone(slot.phase)}${highlighted ? ' highlighted' : ''}`} aria-labelledby={`${id}-title`} tabIndex={highlighted ? -1 : undefined} data-phase={slot.phase}>
      <h3 id={`${id}-title`}>
        {slot.jigId} · slot {slot.slot}
      </h3>
      <p className="phase">{PHASE_TEXT[slot.phase]}</p>
      <progress max={100} value={slot.progress} aria-label={`${slot.jigId} slot ${slot.slot} progress`} />
      <p className="serial">{slot.deviceSerial ?? '—'}</p>
      {slot.attempts > 1 && slot.phase !== 'done' && <p className="attempts">attempt {slot.attempts}</p>}
      {slot.message && (
        <p className="reason">
          <strong>Why: </strong>
          {slot.message}
        </p>
      )}
      {slot.action && (
        <p className="action">
          <strong>What to do: </strong>
          {slot.action}
        </p>
      )}
    </article>
  );
}
