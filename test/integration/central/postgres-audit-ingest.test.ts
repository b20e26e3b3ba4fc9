import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { startPostgres } from '../../support/postgres.js';

/* Entity column types are fixed when central's modules load: DATABASE_URL first, then import. */
const pg = await startPostgres();
process.env.DATABASE_URL = pg.url;
const { openPostgres, parsePostgresUrl } = await import('../../../src/common/postgres-database.js');
const { CENTRAL_ENTITIES } = await import('../../../src/central/database/entities.js');
const { CENTRAL_MIGRATIONS } = await import('../../../src/central/database/migrations.js');
const { AuditIngestService, BatchRefusedError } = await import('../../../src/central/audit-ingest/audit-ingest.service.js');
const { WriteSerializer } = await import('../../../src/common/write-serializer.js');
const { selfSignedRoot, issueSubordinate } = await import('../../../src/pki/ca-certificates.js');
const { encodeName } = await import('../../../src/pki/name.js');
const { readCertificate } = await import('../../../src/pki/certificate-reader.js');
const { chainRecord, GENESIS_HASH } = await import('../../../src/audit/audit-record.js');
const { signAuditBatch, verifyAuditReceipt } = await import('../../../src/audit/audit-batch.js');
const { softwareSigner } = await import('../../support/software-signer.js');
type AuditRecord = import('../../../src/audit/audit-record.js').AuditRecord;
type CentralPkiService = import('../../../src/central/ca/central-pki.service.js').CentralPkiService;
type Ingest = InstanceType<typeof AuditIngestService>;

const YEAR = 365 * 24 * 3600 * 1000;
const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + YEAR) };

/** A brand hierarchy in software (the real one lives in central's HSM; the rules are the same). */
const root = selfSignedRoot({ organization: 'Acme', commonName: 'Acme Root' }, softwareSigner(), validity);
const mgmtKey = softwareSigner();
const mgmtCert = issueSubordinate(root, { subject: encodeName({ organization: 'Acme', commonName: 'Acme Management CA' }), spki: mgmtKey.spki, validity, pathLen: 0 });
const mgmt = { subject: encodeName({ organization: 'Acme', commonName: 'Acme Management CA' }), certificate: mgmtCert, keyIdentifier: readCertificate(mgmtCert).subjectKeyIdentifier!, signer: mgmtKey };
const receiptKey = softwareSigner();
const receiptCert = issueSubordinate(root, { subject: encodeName({ organization: 'Acme', commonName: 'Acme Audit Receipt Signer' }), spki: receiptKey.spki, validity, usages: ['digitalSignature'] });
const pki = { rootCertificate: () => root.certificate, documentSigner: async () => ({ signer: receiptKey, certificates: [receiptCert] }) } as unknown as CentralPkiService;

function station(stationId: string, n: number, fingerprintOf = (i: number) => `${stationId}-${String(i).padStart(6, '0')}`.padEnd(64, 'f')) {
  const key = softwareSigner();
  const cert = issueSubordinate(mgmt, { subject: encodeName({ organization: 'Acme', commonName: `Station ${stationId} audit` }), spki: key.spki, validity, usages: ['digitalSignature'] });
  const chain: AuditRecord[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 1; i <= n; i++) {
    head = chainRecord(head, {
      time: new Date().toISOString(), kind: 'certificate-signed', actor: 'jig 1 slot 0', orderId: 'PO-1',
      deviceSerial: `SN${String(i).padStart(6, '0')}`, fingerprint: fingerprintOf(i), outcome: 'ok', detail: `record ${i}`,
    });
    chain.push(head as AuditRecord);
  }
  const batch = (from: number, to: number) =>
    signAuditBatch({ v: 1, stationId, fromSeq: from, toSeq: to, prevHash: from === 1 ? GENESIS_HASH : chain[from - 2].hash, records: chain.slice(from - 1, to) }, key, [cert, mgmtCert]);
  return { chain, batch };
}

describe('central audit ingestion on PostgreSQL (two nodes sharing one database)', () => {
  let nodeA: DataSource;
  let nodeB: DataSource;
  let a: Ingest;
  let b: Ingest;
  const line1 = station('line-1', 1300); // ingested up to 1200 below
  const count = async (sqlText: string, params: unknown[] = []): Promise<number> => (await nodeA.query(sqlText, params))[0].n;

  before(async () => {
    [nodeA, nodeB] = await Promise.all([1, 2].map(() => openPostgres(parsePostgresUrl(pg.url), CENTRAL_ENTITIES, CENTRAL_MIGRATIONS)));
    a = new AuditIngestService(nodeA, pki, new WriteSerializer(nodeA));
    b = new AuditIngestService(nodeB, pki, new WriteSerializer(nodeB));
  });
  after(async () => {
    await nodeA?.destroy();
    await nodeB?.destroy();
    await pg.stop();
  });

  it('ok a batch larger than one multi-row INSERT is stored, the registry filled, the receipt verifies', async () => {
    const r = await a.ingest('line-1', line1.batch(1, 1100));
    assert.deepEqual([r.toSeq, r.stored], [1100, 1100]);
    verifyAuditReceipt(r.receipt, root.certificate, new Date(), { stationId: 'line-1', toSeq: 1100, headHash: line1.chain[1099].hash });
    assert.deepEqual(await b.stationState('line-1'), { stationId: 'line-1', lastSeq: 1100, lastHash: line1.chain[1099].hash, records: 1100, devices: 1100 });
    assert.equal(await count(`SELECT COUNT(*) AS n FROM station_audit_record WHERE station_id = $1`, ['line-1']), 1100);
  });

  it('ok the next batch continues the chain at the other node; a replay there gets the same receipt', async () => {
    const next = await b.ingest('line-1', line1.batch(1101, 1150));
    assert.equal(next.stored, 50);
    const again = await a.ingest('line-1', line1.batch(1101, 1150));
    assert.equal(again.stored, 0);
    assert.ok(again.receipt.equals(next.receipt), 'the receipt on record is given again');
  });

  it('ok the same batch reaching both nodes at once is stored once and both get the one receipt', async () => {
    const der = line1.batch(1140, 1200);
    const [ra, rb] = await Promise.all([a.ingest('line-1', der), b.ingest('line-1', der)]);
    assert.deepEqual([ra.stored + rb.stored, ra.toSeq, rb.toSeq], [50, 1200, 1200]);
    assert.ok(ra.receipt.equals(rb.receipt));
    assert.equal(await count(`SELECT COUNT(*) AS n FROM audit_receipt WHERE station_id = $1 AND to_seq = 1200`, ['line-1']), 1);
    assert.equal(await count(`SELECT COUNT(*) AS n FROM station_audit_record WHERE station_id = $1`, ['line-1']), 1200);
  });

  it('ok INSERT OR IGNORE keeps the first registry entry for a fingerprint another station reports again', async () => {
    const line2 = station('line-2', 5, (i) => line1.chain[i - 1].fingerprint!);
    const r = await b.ingest('line-2', line2.batch(1, 5));
    assert.equal(r.stored, 5, 'the records are kept');
    const rows: Array<{ station_id: string }> = await nodeA.query(`SELECT station_id FROM device_registry WHERE fingerprint = $1`, [line1.chain[0].fingerprint]);
    assert.deepEqual(rows.map((x) => x.station_id), ['line-1']);
    assert.equal((await a.stationState('line-2')).devices, 0);
  });

  it('fail a gap and a fork are refused at either node and change nothing', async () => {
    await assert.rejects(a.ingest('line-1', line1.batch(1250, 1260)), (e: unknown) => e instanceof BatchRefusedError && e.code === 'BATCH_GAP' && /send from 1201/.test(e.message));
    const other = station('line-1', 1210); // the same station id and certificate subject, another history
    await assert.rejects(b.ingest('line-1', other.batch(1201, 1210)), (e: unknown) => e instanceof BatchRefusedError && e.code === 'BATCH_FORK');
    assert.equal((await a.stationState('line-1')).lastSeq, 1200);
  });
});
