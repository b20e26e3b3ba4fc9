/**
 * The auditor's tool (docs/audit.md):
 *   npm run audit -- verify FILE            check an exported audit file
 *   npm run audit -- verify --db PATH       check a station database (opened read-only)
 *   npm run audit -- export --db PATH --out FILE [--from SEQ] [--to SEQ]
 * Exit 0: the chain holds; 1: it does not (the first bad record is named); 2: usage.
 */
import { parseArgs } from 'node:util';
import { verifyAuditChain } from './verify-chain.js';
import { readAuditFile, readAuditFromDatabase, writeAuditFile } from './audit-file.js';

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { db: { type: 'string' }, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'prev-hash': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const from = values.from ? Number(values.from) : 1;
  const to = values.to ? Number(values.to) : Number.MAX_SAFE_INTEGER;
  if (command === 'export') {
    if (!values.db || !values.out) throw new UsageError('export needs --db PATH and --out FILE');
    const records = readAuditFromDatabase(values.db, from, to);
    writeAuditFile(values.out, records);
    console.log(`exported ${records.length} records (${records[0]?.seq ?? '-'}..${records[records.length - 1]?.seq ?? '-'}) to ${values.out}`);
    return 0;
  }
  if (command === 'verify') {
    const source = values.db ?? positionals[0];
    if (!source) throw new UsageError('verify needs FILE or --db PATH');
    const records = values.db ? readAuditFromDatabase(values.db, from, to) : readAuditFile(source);
    const v = verifyAuditChain(records, { prevHash: values['prev-hash'] });
    if (v.ok) {
      console.log(`OK: ${v.checked} records, ${v.firstSeq ?? '-'}..${v.lastSeq ?? '-'}, head ${v.headHash ?? '-'}`);
      return 0;
    }
    console.log(`BROKEN at record ${v.firstBad!.seq ?? '?'} (line ${v.firstBad!.index + 1}): ${v.firstBad!.reason}`);
    console.log(`${v.checked} records before it are intact${v.lastSeq ? ` (${v.firstSeq}..${v.lastSeq})` : ''}`);
    return 1;
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
