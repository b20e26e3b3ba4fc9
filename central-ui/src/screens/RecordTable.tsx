import type { AuditRecord } from '../api/client';
import { when } from '../components/Loading';

/** Station audit records as central received them (signed batches, chained by hash). */
export function RecordTable({ records, caption, highlight }: { records: AuditRecord[]; caption: string; highlight?: number }) {
  if (!records.length) return <p className="muted">No station record.</p>;
  return (
    <table className="grid records">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Station</th>
          <th scope="col" className="num">Seq</th>
          <th scope="col">Time</th>
          <th scope="col">Kind</th>
          <th scope="col">Order</th>
          <th scope="col">Device</th>
          <th scope="col">Outcome</th>
          <th scope="col">Detail</th>
          <th scope="col">Hash</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={`${r.stationId}-${r.seq}`} className={r.seq === highlight ? 'highlighted' : undefined}>
            <td>{r.stationId}</td>
            <th scope="row" className="num">{r.seq}</th>
            <td>{when(r.time)}</td>
            <td>{r.kind}</td>
            <td>{r.orderId ?? '—'}</td>
            <td>{r.deviceSerial ?? '—'}</td>
            <td>{r.outcome}</td>
            <td className="detail">{r.detail}</td>
            <td><code title={r.hash}>{r.hash.slice(0, 12)}…</code></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
