import { useState } from 'react';
import { api, call, type Panel } from '../api/client';

/** The audit backlog, a manual sync, and the export of the audit file for an auditor or an air gap. */
export function AuditTools({ audit }: { audit: Panel['audit'] }) {
  const [said, setSaid] = useState<{ text: string; bad: boolean } | null>(null);
  const exportFile = async () => {
    const { data, response } = await api.GET('/api/audit/export', { parseAs: 'blob' });
    if (!response.ok || !data) return setSaid({ text: `export failed: the station answered ${response.status}`, bad: true });
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'audit.ndjson';
    const url = URL.createObjectURL(data);
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
    setSaid({ text: `saved ${name} (${data.size} bytes); check it with npm run audit -- verify ${name}`, bad: false });
  };
  const syncNow = async () => {
    try {
      const r = await call(api.POST('/api/audit/sync'));
      setSaid({ text: `central acknowledged ${r.acked} records; ${r.sync.unsynced} left`, bad: false });
    } catch (err) {
      setSaid({ text: (err as Error).message, bad: true });
    }
  };
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p>
        {audit.headSeq} records; <strong>{audit.unsynced}</strong> not yet acknowledged by central
        {audit.lastReceiptAt ? ` (last receipt ${new Date(audit.lastReceiptAt).toLocaleString()})` : ' (no receipt yet)'}.
      </p>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => void exportFile()}>
          Export audit file
        </button>
        <button type="button" onClick={() => void syncNow()}>
          Send to central now
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
