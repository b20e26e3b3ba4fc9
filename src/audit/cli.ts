/**
 * The auditor's tool (docs/audit.md):
 *   npm run audit -- verify FILE [--anchor brand-root.pem]       check an exported audit file
 *   npm run audit -- verify --db PATH [--anchor brand-root.pem]  check a station database (read-only)
 *   npm run audit -- export --db PATH --out FILE [--from SEQ] [--to SEQ]
 * Offline sync for an air-gapped line (the token in AUDIT_TOKEN, or --token):
 *   npm run audit -- export --station URL --out FILE [--from SEQ] [--to SEQ]   signed batch file (supervisor)
 *   npm run audit -- submit FILE --central URL --receipt-out FILE              import it at central (brand owner)
 *   npm run audit -- import-receipt FILE --station URL                         bring the receipt back (supervisor)
 * Exit 0: the chain holds / done; 1: it does not (the first bad record is named) / refused; 2: usage.
 */
import { parseArgs } from 'node:util';
import { verifyAuditChain } from './verify-chain.js';
import { readAuditFile, readAuditFromDatabase, writeAuditFile } from './audit-file.js';
import { checkCheckpoints } from './check-checkpoints.js';
import { fromPem } from '../pki/pem.js';
import { readFileSync } from 'node:fs';
import { exportBatchFile, importReceiptFile, submitBatchFile } from './offline-sync-client.js';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      db: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'prev-hash': { type: 'string' },
      anchor: { type: 'string' },
      station: { type: 'string' },
      central: { type: 'string' },
      token: { type: 'string' },
      'receipt-out': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const from = values.from ? Number(values.from) : 1;
  const to = values.to ? Number(values.to) : Number.MAX_SAFE_INTEGER;
  const token = (): string => {
    const t = values.token ?? process.env.AUDIT_TOKEN;
    if (!t) throw new UsageError(`${command} needs the API token in AUDIT_TOKEN (or --token)`);
    return t;
  };
  if (command === 'export' && values.station) {
    if (!values.out) throw new UsageError('export --station URL needs --out FILE');
    const r = await exportBatchFile(values.station, token(), values.out, { fromSeq: values.from ? from : undefined, toSeq: values.to ? to : undefined });
    console.log(`exported ${r.batches} signed batches (${r.bytes} bytes) to ${values.out}: carry it to central and run "audit submit"`);
    return 0;
  }
  if (command === 'submit') {
    if (!positionals[0] || !values.central || !values['receipt-out']) throw new UsageError('submit needs FILE, --central URL and --receipt-out FILE');
    const r = await submitBatchFile(values.central, token(), positionals[0], values['receipt-out']);
    console.log(`central holds station ${r.stationId} up to record ${r.toSeq} (${r.stored} new records from ${r.batches} batches); receipt written to ${values['receipt-out']}`);
    return 0;
  }
  if (command === 'import-receipt') {
    if (!positionals[0] || !values.station) throw new UsageError('import-receipt needs FILE and --station URL');
    const r = await importReceiptFile(values.station, token(), positionals[0]);
    console.log(`receipt up to record ${r.toSeq} ${r.advanced ? 'imported' : 'was already held'}; central has not acknowledged ${r.sync.unsynced} records`);
    return 0;
  }
  if (command === 'export') {
    if (!values.db || !values.out) throw new UsageError('export needs --db PATH and --out FILE');
    const data = readAuditFromDatabase(values.db, from, to);
    writeAuditFile(values.out, data);
    const { records } = data;
    console.log(`exported ${records.length} records (${records[0]?.seq ?? '-'}..${records[records.length - 1]?.seq ?? '-'}) and ${data.checkpoints.length} checkpoints to ${values.out}`);
    return 0;
  }
  if (command === 'verify') {
    const source = values.db ?? positionals[0];
    if (!source) throw new UsageError('verify needs FILE or --db PATH');
    const { records, checkpoints } = values.db ? readAuditFromDatabase(values.db, from, to) : readAuditFile(source);
    const anchor = values.anchor ? fromPem(readFileSync(values.anchor, 'utf8')) : null;
    const v = verifyAuditChain(records, { prevHash: values['prev-hash'] });
    if (!v.ok) {
      console.log(`BROKEN at record ${v.firstBad!.seq ?? '?'} (line ${v.firstBad!.index + 1}): ${v.firstBad!.reason}`);
      console.log(`${v.checked} records before it are intact${v.lastSeq ? ` (${v.firstSeq}..${v.lastSeq})` : ''}`);
      return 1;
    }
    const c = checkCheckpoints(records, checkpoints, anchor);
    if (!c.ok) {
      console.log(`BROKEN: ${c.reason}`);
      return 1;
    }
    console.log(`OK: ${v.checked} records, ${v.firstSeq ?? '-'}..${v.lastSeq ?? '-'}, head ${v.headHash ?? '-'}`);
    console.log(c.summary);
    return 0;
  }
  throw new UsageError(`unknown command ${command ?? '(none)'}`);
}

class UsageError extends Error {}

const USAGE = [
  'usage: audit verify FILE | verify --db PATH | export --db PATH --out FILE [--from N] [--to N]',
  '       audit export --station URL --out FILE [--from N] [--to N] | submit FILE --central URL --receipt-out FILE | import-receipt FILE --station URL',
].join('\n');

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`audit: ${(err as Error).message}${usage ? `\n${USAGE}` : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
