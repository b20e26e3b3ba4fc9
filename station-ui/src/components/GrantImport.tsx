import { useState, type FormEvent } from 'react';
import { api, call } from '../api/client';

/** Offline delivery of a quota grant: the file central issued for this station, chosen or pasted. */
export function GrantImport() {
  const [text, setText] = useState('');
  const [said, setSaid] = useState<{ text: string; bad: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const pick = async (file: File | undefined) => {
    if (file) setText(await file.text());
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const order = await call(api.POST('/api/grants', { body: { grant: text } }));
      setSaid({ text: `Order ${order.orderId} opened: ${order.quota} × ${order.productModel}, serials ${order.serialFirst}–${order.serialLast}`, bad: false });
      setText('');
    } catch (err) {
      setSaid({ text: (err as Error).message, bad: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="grant-title">
      <h2 id="grant-title">Import a quota grant</h2>
      <form onSubmit={submit}>
        <label htmlFor="grant-file">Grant file</label>
        <input id="grant-file" type="file" accept=".pem,.grant,.txt,.b64" onChange={(e) => void pick(e.target.files?.[0])} />
        <label htmlFor="grant-text">or paste it (PEM "QUOTA GRANT" or base64)</label>
        <textarea id="grant-text" rows={5} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
        <button type="submit" className="primary" disabled={busy || text.trim() === ''}>
          Import grant
        </button>
      </form>
      {said && (
        <p className={said.bad ? 'problem' : 'ok'} role={said.bad ? 'alert' : 'status'}>
          {said.text}
        </p>
      )}
    </section>
  );
}
