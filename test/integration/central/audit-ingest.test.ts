import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openSqlite } from '../../../src/common/sqlite-database.js';
import { CENTRAL_ENTITIES } from '../../../src/central/database/entities.js';
import { CENTRAL_MIGRATIONS } from '../../../src/central/database/migrations.js';
import { AuditIngestService, BatchRefusedError } from '../../../src/central/audit-ingest/audit-ingest.service.js';
import type { CentralPkiService } from '../../../src/central/ca/central-pki.service.js';
import { selfSignedRoot, issueSubordinate } from '../../../src/pki/ca-certificates.js';
import { encodeName } from '../../../src/pki/name.js';
import { chainRecord, GENESIS_HASH, type AuditRecord } from '../../../src/audit/audit-record.js';
import { signAuditBatch, verifyAuditReceipt } from '../../../src/audit/audit-batch.js';
import { softwareSigner } from '../../support/software-signer.js';
import { WriteSerializer } from '../../../src/common/write-serializer.js';
import { readCertificate } from '../../../src/pki/certificate-reader.js';

const YEAR = 365 * 24 * 3600 * 1000;
const now = new Date();
const validity = { notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + YEAR) };

/** A brand hierarchy in software (the real one lives in central's HSM; the rules are the same). */
const root = selfSignedRoot({ organization: 'Acme', commonName: 'Acme Root' }, softwareSigner(), validity);
const mgmtSigner = softwareSigner();
const mgmtCert = issueSubordinate(root, { subject: encodeName({ organization: 'Acme', commonName: 'Acme Management CA' }), spki: mgmtSigner.spki, validity, pathLen: 0 });
const mgmt = {
  subject: encodeName({ organization: 'Acme', commonName: 'Acme Management CA' }),
  certificate: mgmtCert,
  keyIdentifier: readCertificate(mgmtCert).subjectKeyIdentifier!,
  signer: mgmtSigner,
};
const stationKey = softwareSigner();
const stationCert = issueSubordinate(mgmt, { subject: encodeName({ organization: 'Acme', commonName: 'Station line-1 audit' }), spki: stationKey.spki, validity, usages: ['digitalSignature'] });
const receiptKey = softwareSigner();
const receiptCert = issueSubordinate(root, { subject: encodeName({ organization: 'Acme', commonName: 'Acme Audit Receipt Signer' }), spki: receiptKey.spki, validity, usages: ['digitalSignature'] });

const pki = {
  rootCertificate: () => root.certificate,
  documentSigner: async () => ({ signer: receiptKey, certificates: [receiptCert] }),
} as unknown as CentralPkiService;

function records(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 0; i < n; i++) {
    const r = chainRecord(head, {
      time: new Date().toISOString(),
      kind: 'certificate-signed',
      actor: 'jig 1 slot 0',
      orderId: 'PO-1',
      deviceSerial: `SN${String(i).padStart(6, '0')}`,
      fingerprint: `${String(i).padStart(2, '0')}${'ab'.repeat(31)}`,
      outcome: 'ok',
      detail: `record ${i}`,
    });
    out.push(r);
    head = r;
  }
  return out;
}

const chain = records(30);
const batch = (from: number, to: number, signer = stationKey, certs = [stationCert, mgmtCert], stationId = 'line-1') => {
  const recs = chain.filter((r) => r.seq >= from && r.seq <= to);
  return signAuditBatch({ v: 1, stationId, fromSeq: from, toSeq: to, prevHash: from === 1 ? GENESIS_HASH : chain[from - 2].hash, records: recs }, signer, certs);
};

describe('central audit ingestion (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
  let ds: DataSource;
  let svc: AuditIngestService;
  const refused = async (p: Promise<unknown>, code: string) =>
    assert.rejects(p, (e: unknown) => e instanceof BatchRefusedError && e.code === code && e.message.length > 10);

  before(async () => {
    ds = await openSqlite(join(dir, 'central.db'), CENTRAL_ENTITIES, CENTRAL_MIGRATIONS);
    svc = new AuditIngestService(ds, pki, new WriteSerializer());
  });
  after(async () => {
    await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok a batch is stored and answered with a receipt the station can verify', async () => {
    const r = await svc.ingest('line-1', batch(1, 10));
    assert.deepEqual([r.toSeq, r.stored], [10, 10]);
    verifyAuditReceipt(r.receipt, root.certificate, new Date(), { stationId: 'line-1', toSeq: 10, headHash: chain[9].hash });
    assert.deepEqual(await svc.stationState('line-1'), { stationId: 'line-1', lastSeq: 10, lastHash: chain[9].hash, records: 10, devices: 10 });
  });

  it('ok the same batch again is idempotent: same receipt, nothing stored twice', async () => {
    const first = await svc.ingest('line-1', batch(1, 10));
    assert.equal(first.stored, 0);
    const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM station_audit_record`);
    assert.equal(n, 10);
  });

  it('ok an overlapping batch (a resumed upload) adds only the rest', async () => {
    const r = await svc.ingest('line-1', batch(6, 15));
    assert.deepEqual([r.toSeq, r.stored], [15, 5]);
  });

  it('ok batches of several stations arriving at once are all stored (writes never interleave)', async () => {
    const other = softwareSigner();
    const otherCert = issueSubordinate(mgmt, { subject: encodeName({ organization: 'Acme', commonName: 'Station line-2 audit' }), spki: other.spki, validity, usages: ['digitalSignature'] });
    const results = await Promise.allSettled([
      svc.ingest('line-2', batch(1, 10, other, [otherCert, mgmtCert], 'line-2')),
      svc.ingest('line-2', batch(11, 20, other, [otherCert, mgmtCert], 'line-2')),
      svc.ingest('line-1', batch(16, 20)),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled'], JSON.stringify(results.map((r) => (r as PromiseRejectedResult).reason?.message)));
    assert.equal((await svc.stationState('line-2')).lastSeq, 20);
    assert.equal((await svc.stationState('line-1')).lastSeq, 20);
  });

  it('fail a gap is refused with where to resume', async () => {
    await refused(svc.ingest('line-1', batch(23, 25)), 'BATCH_GAP');
  });

  it('fail a fork (a record differs from one received before) is refused', async () => {
    const forked = chain.slice(0, 15).map((r) => ({ ...r }));
    const alt = chainRecord({ seq: 13, hash: forked[12].hash }, { ...forked[13], detail: 'another history' });
    const recs = [forked[12], alt];
    const der = signAuditBatch({ v: 1, stationId: 'line-1', fromSeq: 13, toSeq: 14, prevHash: forked[11].hash, records: recs }, stationKey, [stationCert, mgmtCert]);
    await refused(svc.ingest('line-1', der), 'BATCH_FORK');
  });

  it('fail forged (another key), wrong station, and tampered batches are refused; nothing stored', async () => {
    const impostor = softwareSigner();
    const impostorCert = issueSubordinate(mgmt, { subject: encodeName({ commonName: 'Station line-1 audit' }), spki: impostor.spki, validity, usages: ['digitalSignature'] });
    // a signature that is not the station key's (last bytes of the DER are the signature)
    const badSig = Buffer.from(batch(16, 20));
    badSig[badSig.length - 3] ^= 0x01;
    await refused(svc.ingest('line-1', badSig), 'BATCH_FORGED');
    // a self-made root's certificate
    const fakeRoot = selfSignedRoot({ commonName: 'Acme Root' }, softwareSigner(), validity);
    const fake = softwareSigner();
    const fakeCert = issueSubordinate(fakeRoot, { subject: encodeName({ commonName: 'Station line-1 audit' }), spki: fake.spki, validity, usages: ['digitalSignature'] });
    await refused(svc.ingest('line-1', batch(16, 20, fake, [fakeCert])), 'BATCH_FORGED');
    // line-1's key used for another station's name, and another station sending line-1's batch
    await refused(svc.ingest('line-1', batch(16, 20, impostor, [impostorCert, mgmtCert], 'line-2')), 'BATCH_WRONG_STATION');
    await refused(svc.ingest('line-2', batch(16, 20)), 'BATCH_WRONG_STATION');
    const tampered = Buffer.from(batch(16, 20));
    const at = tampered.indexOf(Buffer.from('record 17'));
    tampered[at + 7] = '9'.charCodeAt(0);
    await refused(svc.ingest('line-1', tampered), 'BATCH_TAMPERED');
    await refused(svc.ingest('line-1', Buffer.from('not a batch')), 'BATCH_MALFORMED');
    assert.equal((await svc.stationState('line-1')).lastSeq, 20);
  });

  it('ok a batch file (consecutive batches) imported by the brand owner is stored whole, with the receipt of its last batch; again: the same receipt', async () => {
    const file = [batch(16, 22), batch(23, 26), batch(27, 30)];
    const r = await svc.ingestBatches(null, file);
    assert.deepEqual([r.stationId, r.toSeq, r.stored], ['line-1', 30, 10]);
    verifyAuditReceipt(r.receipt, root.certificate, new Date(), { stationId: 'line-1', toSeq: 30, headHash: chain[29].hash });
    const again = await svc.ingestBatches(null, file);
    assert.equal(again.stored, 0);
    assert.deepEqual(again.receipt, r.receipt);
    const s = await svc.stationState('line-1');
    assert.deepEqual([s.lastSeq, s.records], [30, 30]);
  });

  it('fail a batch file is taken whole or not at all: one bad batch, batches that do not follow, or two stations store nothing', async () => {
    const fresh = new AuditIngestService(ds, pki, new WriteSerializer());
    const other = softwareSigner();
    const otherCert = issueSubordinate(mgmt, { subject: encodeName({ organization: 'Acme', commonName: 'Station line-3 audit' }), spki: other.spki, validity, usages: ['digitalSignature'] });
    const line3 = (from: number, to: number) => batch(from, to, other, [otherCert, mgmtCert], 'line-3');
    const tampered = Buffer.from(line3(6, 10));
    tampered[tampered.indexOf(Buffer.from('record 7')) + 7] = '9'.charCodeAt(0);
    await assert.rejects(fresh.ingestBatches(null, [line3(1, 5), tampered]), (e: unknown) => e instanceof BatchRefusedError && e.code === 'BATCH_TAMPERED' && /batch 2 of 2/.test(e.message));
    await refused(fresh.ingestBatches(null, [line3(1, 5), line3(7, 10)]), 'BATCH_BROKEN_CHAIN');
    await refused(fresh.ingestBatches(null, [line3(1, 5), batch(6, 10)]), 'BATCH_WRONG_STATION');
    // a station may deliver a file only of its own batches
    await refused(fresh.ingestBatches('line-1', [line3(1, 5)]), 'BATCH_WRONG_STATION');
    assert.deepEqual(await fresh.stationState('line-3'), { stationId: 'line-3', lastSeq: 0, lastHash: null, records: 0, devices: 0 });
  });
});
