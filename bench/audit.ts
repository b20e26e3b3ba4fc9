/**
 * bench/audit: central ingests signed audit batches — CMS signature and path check, chain
 * verification of every record, continuity, storage (SQLite) and a signed receipt — on one
 * core. Batches are made up front (station-side work, not timed). Also: station-side append
 * cost (hash + chained insert through the group-commit writer).
 *   node dist/bench/audit.js [--records N] [--batch B]
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { openSqlite } from '../src/common/sqlite-database.js';
import { CENTRAL_ENTITIES } from '../src/central/database/entities.js';
import { CENTRAL_MIGRATIONS } from '../src/central/database/migrations.js';
import { AuditIngestService } from '../src/central/audit-ingest/audit-ingest.service.js';
import { WriteSerializer } from '../src/common/write-serializer.js';
import type { CentralPkiService } from '../src/central/ca/central-pki.service.js';
import { selfSignedRoot, issueSubordinate } from '../src/pki/ca-certificates.js';
import { encodeName } from '../src/pki/name.js';
import { readCertificate } from '../src/pki/certificate-reader.js';
import { chainRecord, GENESIS_HASH, type AuditRecord } from '../src/audit/audit-record.js';
import { signAuditBatch, verifyAuditBatch } from '../src/audit/audit-batch.js';
import { GroupCommitWriter } from '../src/station/database/group-commit.js';
import { openStationDatabase } from '../src/station/database/data-source.js';
import { softSigner } from '../test/support/issuance-stack.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' }, batch: { type: 'string', default: '1000' } } });
const total = Number(values.records);
const size = Number(values.batch);
const YEAR = 365 * 24 * 3600 * 1000;
const now = new Date();
const validity = { notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + YEAR) };

const root = selfSignedRoot({ commonName: 'Bench Root' }, softSigner(), validity);
const mgmtKey = softSigner();
const mgmtCert = issueSubordinate(root, { subject: encodeName({ commonName: 'Bench Management CA' }), spki: mgmtKey.spki, validity, pathLen: 0 });
const mgmt = { subject: encodeName({ commonName: 'Bench Management CA' }), certificate: mgmtCert, keyIdentifier: readCertificate(mgmtCert).subjectKeyIdentifier!, signer: mgmtKey };
const stationKey = softSigner();
const stationCert = issueSubordinate(mgmt, { subject: encodeName({ commonName: 'Station bench audit' }), spki: stationKey.spki, validity, usages: ['digitalSignature'] });
const receiptKey = softSigner();
const receiptCert = issueSubordinate(root, { subject: encodeName({ commonName: 'Bench Audit Receipt Signer' }), spki: receiptKey.spki, validity, usages: ['digitalSignature'] });
const pki = { rootCertificate: () => root.certificate, documentSigner: async () => ({ signer: receiptKey, certificates: [receiptCert] }) } as unknown as CentralPkiService;

process.stdout.write(`making ${total} records in batches of ${size} (station side, not timed)...\n`);
const batches: Buffer[] = [];
let head = { seq: 0, hash: GENESIS_HASH };
for (let from = 1; from <= total; from += size) {
  const records: AuditRecord[] = [];
  const prevHash = head.hash;
  for (let seq = from; seq < from + size && seq <= total; seq++) {
    const r = chainRecord(head, {
      time: new Date().toISOString(), kind: 'certificate-signed', actor: 'jig 1 slot 0', orderId: 'PO-1',
      deviceSerial: `SN${String(seq).padStart(8, '0')}`, fingerprint: seq.toString(16).padStart(64, '0'), outcome: 'ok', detail: 'birth certificate serial 4a…',
    });
    records.push(r);
    head = r;
  }
  batches.push(signAuditBatch({ v: 1, stationId: 'bench', fromSeq: from, toSeq: records[records.length - 1].seq, prevHash, records }, stationKey, [stationCert, mgmtCert]));
}

const dir = mkdtempSync(join(tmpdir(), 'bench-audit-'));
const ds = await openSqlite(join(dir, 'central.db'), CENTRAL_ENTITIES, CENTRAL_MIGRATIONS);
const ingest = new AuditIngestService(ds, pki, new WriteSerializer());
// verification alone first (CMS signature and path, chain of every record): what the store adds is the rest
let verifyMs = 0;
for (const b of batches) {
  const tv = performance.now();
  verifyAuditBatch(b, root.certificate, now);
  verifyMs += performance.now() - tv;
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const b of batches) await ingest.ingest('bench', b);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM station_audit_record`);
console.log(`audit ingest (central): ${n} records in ${batches.length} signed batches of ${size}, one station in sequence`);
console.log(`  ${(total / seconds).toFixed(0)} records/s (verify CMS + chain + continuity + store + receipt), ${(seconds * 1000 / batches.length).toFixed(1)} ms per batch`);
console.log(`  ${(total / cpuSeconds).toFixed(0)} records per CPU-second (all threads: JavaScript and the SQLite worker)`);
console.log(`  of which verification alone: ${(verifyMs / batches.length).toFixed(1)} ms per batch`);
await ds.destroy();

// station side: what one audit append costs the writer
const sdb = await openStationDatabase(join(dir, 'station.db'));
await sdb.destroy();
const writer = await GroupCommitWriter.open(join(dir, 'station.db'));
const appends = 20_000;
const t1 = performance.now();
await Promise.all(Array.from({ length: appends }, (_, i) => writer.audit({ time: new Date().toISOString(), kind: 'certificate-verified', actor: 'jig 1 slot 0', orderId: 'PO-1', deviceSerial: `SN${i}`, fingerprint: null, outcome: 'ok', detail: 'read back identical' }, { sync: false })));
const s1 = (performance.now() - t1) / 1000;
console.log(`audit append (station): ${(appends / s1).toFixed(0)} records/s chained and committed through the group-commit writer`);
await writer.close();
rmSync(dir, { recursive: true, force: true });
