import { api, call, type Anomaly } from '../api/client';
import { useAnswer } from '../api/use-answer';
import { NotYet, when } from '../components/Loading';
import type { Nav } from '../App';

export const ANOMALY_TEXT: Record<Anomaly['kind'], string> = {
  clone: 'Clone',
  'unknown-device': 'Unknown device',
  'audit-gap': 'Audit gap',
  'audit-fork': 'Audit fork',
  'audit-refused': 'Audit batch refused',
  'tamper-alarm': 'Tamper alarm',
};

/** Clones, unknown devices, audit gaps and forks, tamper alarms: each with a way to its records. */
export function AnomaliesScreen({ nav }: { nav: Nav }) {
  const list = useAnswer(() => call(api.GET('/api/console/anomalies')), 'anomalies', nav.onEnded);
  return (
    <>
      <h1>Anomalies</h1>
      {!list.data ? <NotYet answer={list} /> : list.data.length === 0 ? <p className="ok">No anomaly: no clone, no unknown device, no audit gap or fork, no tamper alarm.</p> : <AnomalyTable rows={list.data} nav={nav} />}
    </>
  );
}

export function AnomalyTable({ rows, nav }: { rows: Anomaly[]; nav: Nav }) {
  return (
    <table className="grid anomalies">
      <caption className="visually-hidden">Anomalies, newest first</caption>
      <thead>
        <tr>
          <th scope="col">What</th>
          <th scope="col">When</th>
          <th scope="col">State</th>
          <th scope="col">Station</th>
          <th scope="col">Order</th>
          <th scope="col">Detail</th>
          <th scope="col">Records</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.id} data-anomaly={a.kind} data-device={a.deviceSerial ?? undefined}>
            <th scope="row" className={a.open ? 'bad' : undefined}>{ANOMALY_TEXT[a.kind]}</th>
            <td>{when(a.at)}</td>
            <td>{a.open ? 'open' : 'cleared'}</td>
            <td>{a.stationId ?? '—'}</td>
            <td>{a.orderId ?? '—'}</td>
            <td className="detail">{a.detail}</td>
            <td>
              {a.deviceSerial ? (
                <button type="button" className="link" onClick={() => nav.go({ tab: 'anomalies', deviceSerial: a.deviceSerial! })}>
                  Device {a.deviceSerial}
                </button>
              ) : a.stationId ? (
                <button type="button" className="link" onClick={() => nav.go({ tab: 'stations', stationId: a.stationId!, around: a.seq ?? undefined })}>
                  {a.stationId} records{a.seq ? ` near ${a.seq}` : ''}
                </button>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
