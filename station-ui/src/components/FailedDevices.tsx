import { useState } from 'react';
import { api, call, type Slot } from '../api/client';
import { PHASE_TEXT } from './SlotCard';

/** Failed and refused slots, each with a re-run (after the device was reseated or the cause fixed). */
export function FailedDevices({ slots }: { slots: Slot[] }) {
  const failed = slots.filter((s) => s.phase === 'failed' || s.phase === 'refused');
  const [said, setSaid] = useState<{ text: string; bad: boolean } | null>(null);
  const rerun = async (s: Slot) => {
    try {
      await call(api.POST('/api/jigs/{jigId}/slots/{slot}/rerun', { params: { path: { jigId: s.jigId, slot: s.slot } } }));
      setSaid({ text: `${s.jigId} slot ${s.slot} queued again`, bad: false });
    } catch (err) {
      setSaid({ text: (err as Error).message, bad: true });
    }
  };
  return (
    <section className="card" aria-labelledby="failed-title">
      <h2 id="failed-title">Failed and refused devices</h2>
      {failed.length === 0 ? (
        <p className="muted">None on the jigs now.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Slot</th>
              <th scope="col">Device</th>
              <th scope="col">Outcome</th>
              <th scope="col">Why</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {failed.map((s) => (
              <tr key={`${s.jigId}/${s.slot}`}>
                <td>
                  {s.jigId} slot {s.slot}
                </td>
                <td>{s.deviceSerial ?? '—'}</td>
                <td>{PHASE_TEXT[s.phase]}</td>
                <td>{s.message}</td>
                <td>
                  <button type="button" onClick={() => void rerun(s)}>
                    Re-run {s.jigId} slot {s.slot}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {said && (
        <p className={said.bad ? 'problem' : 'ok'} role={said.bad ? 'alert' : 'status'}>
          {said.text}
        </p>
      )}
    </section>
  );
}
