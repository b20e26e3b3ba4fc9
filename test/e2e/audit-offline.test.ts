import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionAll, startLine, type RunningLine } from '../../src/demo/line.js';
import { freePort, httpJson, waitUntil } from '../../src/demo/processes.js';
import { fromPemAll, toPem } from '../../src/pki/pem.js';

const CLI = fileURLToPath(new URL('../../src/audit/cli.js', import.meta.url));

interface AuditState {
  head: { seq: number; hash: string };
  sync: { headSeq: number; ackedSeq: number; unsynced: number; lastReceiptAt: string | null };
}
interface CentralHolds {
  lastSeq: number;
  lastHash: string | null;
  records: number;
  devices: number;
}

/**
 * Issue 4, air-gapped factories: the station's supervisor exports what central has not
 * acknowledged as a file of signed batches (the online format, signed in the station's HSM),
 * the brand owner imports it at central through the same ingestion, and the receipt file comes
 * back to the station, whose acknowledged head and backlog follow. All through the auditor's CLI.
 */
describe('e2e: offline audit batch files for an air-gapped line', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-offline-'));
  const files = mkdtempSync(join(tmpdir(), 'e2e-offline-files-'));
  const cli = (token: string, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, AUDIT_TOKEN: token } });
  const state = () => httpJson<AuditState>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
  const central = () => httpJson<CentralHolds>('GET', `${line.centralUrl}/api/audit/stations/line-1`, undefined, line.adminToken);
  const batchFile = join(files, 'batches.pem');
  const receiptFile = join(files, 'receipt.pem');
  let exported: AuditState;

  const stationConfig = () => join(dir, 'station', 'station.json');
  const setAuditUrl = (tlsUrl: string) => {
    const config = JSON.parse(readFileSync(stationConfig(), 'utf8'));
    config.central.tlsUrl = tlsUrl;
    writeFileSync(stationConfig(), JSON.stringify(config, null, 2));
  };

  before(async () => {
    line = await startLine({ stateDir: dir, devices: 6, jigs: 2, stationSettings: { auditSyncIntervalMs: 300 } });
    // the air gap: central's audit listener is out of the station's reach from now on
    setAuditUrl(`https://127.0.0.1:${await freePort()}`);
    await line.restartStation();
    await provisionAll(line, 2, 6);
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  it('ok the supervisor exports the unacknowledged records as signed batches through the running station', async () => {
    const before = await state();
    assert.ok(before.sync.unsynced > 6, `backlog before the export: ${before.sync.unsynced}`);
    const r = cli(line.supervisorToken, 'export', '--station', line.stationUrl, '--out', batchFile);
    assert.equal(r.status, 0, r.stderr);
    exported = await state();
    const blocks = fromPemAll(readFileSync(batchFile, 'utf8'), 'CMS');
    assert.equal(blocks.length, 1);
    // the station's own record of the export is the last record of the file
    assert.equal(exported.head.seq, exported.sync.headSeq);
    assert.ok(blocks[0].includes(Buffer.from(`"toSeq":${exported.head.seq}`)), 'the file runs to the head, its own export record');
    assert.ok(blocks[0].includes(Buffer.from(`"fromSeq":${before.sync.ackedSeq + 1}`)), 'the file starts after the last receipt');
  });

  it('fail an operator may not export batches (supervisor only), and nothing is exported', () => {
    const r = cli(line.operatorToken, 'export', '--station', line.stationUrl, '--out', join(files, 'nope.pem'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /403/);
  });

  it('fail a tampered batch file is refused with BATCH_TAMPERED and central stores nothing', async () => {
    const held = await central();
    const [der] = fromPemAll(readFileSync(batchFile, 'utf8'), 'CMS');
    const serial = Buffer.from(`"deviceSerial":"${line.serials[0]}"`);
    const at = der.indexOf(serial);
    assert.ok(at > 0, 'the batch names the first device');
    const forged = Buffer.from(der);
    forged.write(`"deviceSerial":"SN999999"`, at); // same length: the DER stays well formed
    const tampered = join(files, 'tampered.pem');
    writeFileSync(tampered, toPem(forged, 'CMS'));
    const r = cli(line.adminToken, 'submit', tampered, '--central', line.centralUrl, '--receipt-out', join(files, 'no-receipt.pem'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /422 BATCH_TAMPERED/);
    assert.match(r.stderr, /messageDigest/);
    assert.deepEqual(await central(), held);
  });

  it('ok the brand owner imports the file at central and gets the receipt as a file; the same file twice gives the same receipt', async () => {
    const r = cli(line.adminToken, 'submit', batchFile, '--central', line.centralUrl, '--receipt-out', receiptFile);
    assert.equal(r.status, 0, r.stderr);
    const c = await central();
    assert.equal(c.lastSeq, exported.head.seq);
    assert.equal(c.lastHash, exported.head.hash);
    assert.equal(c.records, c.lastSeq, 'every record once, none missing');
    assert.equal(c.devices, 6);

    const again = cli(line.adminToken, 'submit', batchFile, '--central', line.centralUrl, '--receipt-out', join(files, 'receipt-again.pem'));
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /0 new records/);
    assert.deepEqual(readFileSync(join(files, 'receipt-again.pem')), readFileSync(receiptFile));
    assert.deepEqual(await central(), c);
  });

  it('ok the station imports the receipt: its acknowledged head and backlog follow; importing it again changes nothing', async () => {
    const r = cli(line.supervisorToken, 'import-receipt', receiptFile, '--station', line.stationUrl);
    assert.equal(r.status, 0, r.stderr);
    const s = await state();
    assert.equal(s.sync.ackedSeq, exported.head.seq);
    assert.ok(s.sync.lastReceiptAt);
    // the import is itself audited: that one record is all central has not seen
    assert.equal(s.sync.unsynced, 1);
    assert.equal(s.head.seq, exported.head.seq + 1);

    const twice = cli(line.supervisorToken, 'import-receipt', receiptFile, '--station', line.stationUrl);
    assert.equal(twice.status, 0, twice.stderr);
    assert.match(twice.stdout, /already held/);
    assert.equal((await state()).sync.ackedSeq, exported.head.seq);
  });

  it('fail a receipt that is not central\'s (a batch file given instead) is refused and changes nothing', async () => {
    const before = await state();
    const r = cli(line.supervisorToken, 'import-receipt', batchFile, '--station', line.stationUrl);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /AUDIT_RECEIPT_REFUSED/);
    assert.equal((await state()).sync.ackedSeq, before.sync.ackedSeq);
  });

  it('ok online sync resumes after the offline receipt: central ends with exactly the station chain', async () => {
    setAuditUrl(line.centralTlsUrl);
    await line.restartStation();
    const s = await waitUntil('the backlog to drain', async () => {
      const st = await state();
      return st.sync.unsynced === 0 ? st : undefined;
    }, 20_000, 200);
    const c = await central();
    assert.equal(c.lastSeq, s.head.seq);
    assert.equal(c.lastHash, s.head.hash);
    assert.equal(c.records, c.lastSeq);
  });
});
