import { useState, type FormEvent } from 'react';
import { api, call, type Panel, type Schemas } from '../api/client';

/** Open alarms; clearing one needs a reason, which goes into the audit log. */
export function AlarmList({ alarms }: { alarms: Panel['alarms'] }) {
  const open = alarms.alarms.filter((a) => !a.clearedAt);
  return (
    <section className="card" aria-labelledby="alarms-title">
      <h2 id="alarms-title">Alarms</h2>
      {open.length === 0 ? <p className="muted">No open alarm. Issuance is {alarms.locked ? 'locked' : 'running'}.</p> : open.map((a) => <ClearAlarm key={a.id} alarm={a} />)}
    </section>
  );
}

function ClearAlarm({ alarm }: { alarm: Schemas['AlarmDto'] }) {
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await call(api.POST('/api/alarms/{id}/clear', { params: { path: { id: alarm.id } }, body: { note } }));
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  const id = `alarm-${alarm.id}-note`;
  return (
    <form className="alarm-item" onSubmit={submit}>
      <p>
        <strong>{alarm.kind}</strong> {alarm.orderId ? `(order ${alarm.orderId})` : ''} raised {new Date(alarm.raisedAt).toLocaleString()}: {alarm.detail}
      </p>
      <label htmlFor={id}>Why may it be cleared? (recorded in the audit log)</label>
      <input id={id} required maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" className="danger" disabled={note.trim() === ''}>
        Clear alarm {alarm.id}
      </button>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
