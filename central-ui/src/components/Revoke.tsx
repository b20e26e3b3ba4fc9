import { useState } from 'react';

/** RFC 5280 §5.3.1 reasons a brand owner gives. */
export type CrlReason = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 9 | 10;
const REASONS: Array<[CrlReason, string]> = [
  [0, 'Unspecified'],
  [1, 'Key compromise'],
  [3, 'Affiliation changed'],
  [4, 'Superseded'],
  [5, 'Cessation of operation'],
  [9, 'Privilege withdrawn'],
];

/**
 * Revocation asks twice: the first button opens a confirmation with the reason; only the
 * second one sends. Shown to the brand owner only; central refuses anyone else (403).
 */
export function Revoke({ what, revoked, onRevoke }: { what: string; revoked: boolean; onRevoke: (reason: CrlReason) => Promise<string> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<CrlReason>(0);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const send = async () => {
    setBusy(true);
    try {
      setSaid({ ok: true, text: await onRevoke(reason) });
      setOpen(false);
    } catch (err) {
      setSaid({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  // once revoked, the answer stays on screen (the page reloads around it) and the button goes
  if (revoked && !said) return null;
  return (
    <section className="revoke" aria-label={`Revoke ${what}`}>
      {revoked ? null : !open ? (
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          Revoke {what}
        </button>
      ) : (
        <div className="confirm">
          <p>
            Revoking {what} bars it from enrolling and revokes its operational certificates at once (OCSP and the next CRL).
          </p>
          <label htmlFor="revoke-reason">Reason</label>
          <select id="revoke-reason" value={reason} onChange={(e) => setReason(Number(e.target.value) as CrlReason)}>
            {REASONS.map(([n, label]) => (
              <option key={n} value={n}>{label}</option>
            ))}
          </select>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={send}>
              Confirm revocation of {what}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {said && (
        <p className={said.ok ? 'ok' : 'problem'} role={said.ok ? 'status' : 'alert'}>
          {said.text}
        </p>
      )}
    </section>
  );
}
