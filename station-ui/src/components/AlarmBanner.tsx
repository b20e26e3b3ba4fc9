import type { Panel } from '../api/client';

export function AlarmBanner({ alarms }: { alarms: Panel['alarms'] }) {
  const open = alarms.alarms.filter((a) => !a.clearedAt);
  if (open.length === 0) return null;
  return (
    <section className="alarm" role="alert" aria-labelledby="alarm-title">
      <h2 id="alarm-title">{alarms.locked ? 'Issuance locked: tamper alarm' : 'Alarm'}</h2>
      <ul>
        {open.map((a) => (
          <li key={a.id}>
            <strong>{a.kind}</strong>
            {a.orderId ? ` (order ${a.orderId})` : ''}: {a.detail}
          </li>
        ))}
      </ul>
      <p>Stop loading devices and call the supervisor.</p>
    </section>
  );
}
