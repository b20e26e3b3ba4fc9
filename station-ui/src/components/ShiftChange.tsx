import { useState } from 'react';
import { api, call, type Panel } from '../api/client';
import { sum } from '../counts';


/** Start a new shift: the panel's counters start from zero; the station audits the shift that ended. */
export function ShiftChange({ shift }: { shift: Panel['status']['shift'] }) {
  const [said, setSaid] = useState<{ text: string; bad: boolean } | null>(null);
  const start = async () => {
    try {
      const ended = await call(api.POST('/api/shift', { body: {} }));
      setSaid({ text: `shift ended with ${ended.provisioned} provisioned, ${sum(ended.refused)} refused, ${sum(ended.failed)} failed; a new shift started`, bad: false });
    } catch (err) {
      setSaid({ text: (err as Error).message, bad: true });
    }
  };
  return (
    <section className="card" aria-labelledby="shift-title">
      <h2 id="shift-title">Shift</h2>
      <p>
        This shift: <strong>{shift.provisioned}</strong> provisioned, {sum(shift.refused)} refused, {sum(shift.failed)} failed.
      </p>
      <div className="buttons">
        <button type="button" onClick={() => void start()}>
          Start a new shift
        </button>
      </div>
      {said && (
        <p className={said.bad ? 'problem' : 'ok'} role={said.bad ? 'alert' : 'status'}>
          {said.text}
        </p>
      )}
    </section>
  );
}
