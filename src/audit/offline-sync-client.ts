import { readFileSync, writeFileSync } from 'node:fs';

/** An HTTP answer that is not 2xx, with the service's code and message (e.g. BATCH_TAMPERED). */
export class OfflineSyncRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

async function call(url: string, token: string, init: { body: string | Uint8Array; type: string }): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': init.type },
    body: typeof init.body === 'string' ? init.body : new Uint8Array(init.body),
    signal: AbortSignal.timeout(120_000),
  });
  if (!res.ok) {
    const text = await res.text();
    let code: string | undefined;
    let message = text;
    try {
      ({ code, message } = JSON.parse(text) as { code?: string; message: string });
    } catch {
      /* plain text */
    }
    throw new OfflineSyncRefusedError(res.status, code, `${new URL(url).host} refused (${res.status}${code ? ` ${code}` : ''}): ${message}`);
  }
  return res;
}

/** The station signs the records central has not acknowledged (or from..to) into a batch file. */
export async function exportBatchFile(stationUrl: string, token: string, out: string, range: { fromSeq?: number; toSeq?: number }): Promise<{ batches: number; bytes: number }> {
  const res = await call(new URL('/api/audit/batch-files', stationUrl).href, token, { body: JSON.stringify(range), type: 'application/json' });
  const text = await res.text();
  writeFileSync(out, text);
  return { batches: (text.match(/-----BEGIN CMS-----/g) ?? []).length, bytes: text.length };
}

export interface SubmitResult {
  stationId: string;
  toSeq: number;
  stored: number;
  batches: number;
  receiptFile: string;
}

/** Central imports a batch file (brand owner) and answers with its receipt, written to `receiptOut`. */
export async function submitBatchFile(centralUrl: string, token: string, file: string, receiptOut: string): Promise<SubmitResult> {
  const res = await call(new URL('/api/audit/batch-files', centralUrl).href, token, { body: readFileSync(file), type: 'application/x-pem-file' });
  const r = (await res.json()) as SubmitResult;
  writeFileSync(receiptOut, r.receiptFile);
  return r;
}

/** The station takes central's receipt file: its acknowledged head and backlog follow. */
export async function importReceiptFile(stationUrl: string, token: string, file: string): Promise<{ toSeq: number; advanced: boolean; sync: { unsynced: number; ackedSeq: number } }> {
  const res = await call(new URL('/api/audit/receipts', stationUrl).href, token, { body: JSON.stringify({ receipt: readFileSync(file, 'utf8') }), type: 'application/json' });
  return (await res.json()) as { toSeq: number; advanced: boolean; sync: { unsynced: number; ackedSeq: number } };
}
