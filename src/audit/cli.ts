/**
 * The auditor's tool (docs/audit.md):
 *   npm run audit -- verify FILE [--anchor brand-root.pem]       check an exported audit file
 *   npm run audit -- verify --db PATH [--anchor brand-root.pem]  check a station database (read-only)
 *   npm run audit -- export --db PATH --out FILE [--from SEQ] [--to SEQ]
 * Exit 0: the chain holds; 1: it does not (the first bad record is named); 2: usage.
 */
import { parseArgs } from 'node:util';
import { verifyAuditChain } from './verify-chain.js';
import { readAuditFile, readAuditFromDatabase, writeAuditFile } from './audit-file.js';
import { checkCheckpoints } from './check-checkpoints.js';
import { fromPem } from '../pki/pem.js';
import { readFileSync } from 'node:fs';

function main(argv: string[]): number {
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
    },
    allowPositionals: true,
    strict: true,
  });
  const from = values.from ? Number(values.from) : 1;
  const to = values.to ? Number(values.to) : Number.MAX_SAFE_INTEGER;
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

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`audit: ${(err as Error).message}${usage ? '\nusage: audit verify FILE | verify --db PATH | export --db PATH --out FILE [--from N] [--to N]' : ''}`);
  process.exitCode = usage ? 2 : 1;
}
