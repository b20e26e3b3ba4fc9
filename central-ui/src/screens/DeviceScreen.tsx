import { api, call } from '../api/client';
import { useAnswer } from '../api/use-answer';
import { NotYet, when } from '../components/Loading';
import { Revoke } from '../components/Revoke';
import { AnomalyTable } from './AnomaliesScreen';
import { RecordTable } from './RecordTable';
import type { Nav } from '../App';

/** The drill-down behind a clone or unknown device: its station records, enrollments, certificates, decisions. */
export function DeviceScreen({ deviceSerial, nav }: { deviceSerial: string; nav: Nav }) {
  const d = useAnswer(() => call(api.GET('/api/console/devices/{serial}', { params: { path: { serial: deviceSerial } } })), deviceSerial, nav.onEnded);
  const device = d.data;
  return (
    <>
      <button type="button" className="link back" onClick={() => nav.go({ tab: 'anomalies' })}>
        ← All anomalies
      </button>
      <h1>Device {deviceSerial}</h1>
      {!device ? (
        <NotYet answer={d} />
      ) : (
        <>
          <p className={device.revoked ? 'bad' : 'ok'} data-testid="device-state">
            {device.revoked ? `Revoked (${device.revocations.map((r) => `${r.scope} ${r.orderId}, ${when(r.revokedAt)}`).join('; ')})` : 'Not revoked'}
          </p>
          {nav.canRevoke && (
            <Revoke
              revoked={device.revoked}
              what={`device ${deviceSerial}`}
              onRevoke={async (reason) => {
                const r = await call(api.POST('/api/console/devices/{serial}/revoke', { params: { path: { serial: deviceSerial } }, body: { reason } }));
                d.reload();
                return `Device ${r.deviceSerial} of order ${r.orderId} revoked: ${r.certificatesRevoked} operational certificate(s) revoked.`;
              }}
            />
          )}
          <h2>Anomalies</h2>
          {device.anomalies.length ? <AnomalyTable rows={device.anomalies} nav={nav} /> : <p className="muted">None.</p>}
          <h2>Field enrollment</h2>
          {device.enrollments.map((e) => (
            <p key={e.orderId}>
              Enrolled for order {e.orderId} over {e.protocol} at {when(e.enrolledAt)}; first key <code>{e.keyHash.slice(0, 16)}…</code>
            </p>
          ))}
          {!device.enrollments.length && <p className="muted">Never enrolled.</p>}
          <h2>Operational certificates</h2>
          {device.certificates.length ? (
            <table className="grid">
              <caption className="visually-hidden">Operational certificates of {deviceSerial}</caption>
              <thead>
                <tr><th scope="col">Serial</th><th scope="col">Order</th><th scope="col">Protocol</th><th scope="col">Issued</th><th scope="col">Status</th></tr>
              </thead>
              <tbody>
                {device.certificates.map((c) => (
                  <tr key={c.serialHex}>
                    <th scope="row"><code>{c.serialHex}</code></th>
                    <td>{c.orderId}</td>
                    <td>{c.protocol}</td>
                    <td>{when(c.issuedAt)}</td>
                    <td>{c.revokedAt ? <span className="bad">revoked {when(c.revokedAt)}</span> : 'good'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">None.</p>
          )}
          <h2>Enrollment decisions</h2>
          {device.events.length ? (
            <ul className="events">
              {device.events.map((e) => (
                <li key={e.id}>
                  {when(e.at)} · {e.protocol} {e.operation} · <strong>{e.outcome}</strong>{e.reason ? ` (${e.reason})` : ''}: {e.message}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None.</p>
          )}
          <h2>Station records</h2>
          <RecordTable records={device.records} caption={`Station audit records of ${deviceSerial}`} />
        </>
      )}
    </>
  );
}
