import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { provisionAll, startLine, type RunningLine } from '../../src/demo/line.js';
import { httpJson, waitUntil } from '../../src/demo/processes.js';
import { fromPemAll, toPem } from '../../src/pki/pem.js';

interface AuditState {
  head: { seq: number; hash: string };
  sync: { ackedSeq: number; unsynced: number; transport: string };
}

/** POST a batch to central's HTTPS listener as a TLS client with (or without) a certificate. */
function postOverTls(url: string, ca: string, body: Buffer, client?: { cert: string; key: string }): Promise<{ status: number; body: { code?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/audit/batch-files', url),
      { method: 'POST', ca, ...client, headers: { 'content-type': 'application/cms', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function openssl(...args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/**
 * Issue 4: audit batches reach central over HTTPS with mutual TLS, the station authenticated by
 * a client certificate from the Management CA whose key never left the station's HSM. Central
 * takes a batch over TLS only from the station its client certificate names.
 */
describe('e2e: audit sync over mutual TLS', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-mtls-'));
  const work = mkdtempSync(join(tmpdir(), 'e2e-mtls-keys-'));
  const state = () => httpJson<AuditState>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
  const central = () => httpJson<{ lastSeq: number; lastHash: string; records: number; devices: number }>('GET', `${line.centralUrl}/api/audit/stations/line-1`, undefined, line.adminToken);
  let brandRoot: string;
  let line1Batch: Buffer;

  before(async () => {
    line = await startLine({ stateDir: dir, devices: 4, jigs: 2, stationSettings: { auditSyncIntervalMs: 300 } });
    brandRoot = readFileSync(join(dir, 'station', 'brand-root.pem'), 'utf8');
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('ok the station syncs over mutual TLS with its Management-CA client certificate; central holds exactly its chain', async () => {
    await provisionAll(line, 2, 4);
    const s = await waitUntil('the backlog to drain', async () => {
      const st = await state();
      return st.sync.unsynced === 0 && st.sync.ackedSeq > 0 ? st : undefined;
    }, 30_000, 200);
    assert.equal(s.sync.transport, 'mutual-tls');
    const c = await central();
    assert.equal(c.lastSeq, s.head.seq);
    assert.equal(c.lastHash, s.head.hash);
    assert.equal(c.records, c.lastSeq);
    assert.equal(c.devices, 4);

    // the client certificate the station holds: its TLS key, from the Management CA, for TLS clients
    const db = new Database(join(dir, 'station', 'station.db'), { readonly: true });
    const row = db.prepare(`SELECT key_label AS keyLabel, certificates FROM station_credential WHERE name = 'tls'`).get() as { keyLabel: string; certificates: string };
    db.close();
    assert.equal(row.keyLabel, 'station-tls');
    const [leaf, issuer] = (JSON.parse(row.certificates) as string[]).map((b) => new X509Certificate(Buffer.from(b, 'base64')));
    assert.match(leaf.subject, /CN=Station line-1/);
    assert.match(issuer.subject, /Management CA/);
    assert.ok(leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey));
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  });

  it('fail a batch over TLS with no client certificate (and no token) is refused', async () => {
    const r = await fetch(`${line.stationUrl}/api/audit/batch-files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${line.supervisorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fromSeq: 1, toSeq: 3 }),
    });
    assert.equal(r.status, 200);
    [line1Batch] = fromPemAll(await r.text(), 'CMS');
    const refused = await postOverTls(line.centralTlsUrl, brandRoot, line1Batch);
    assert.equal(refused.status, 401);
    assert.match(refused.body.message ?? '', /client certificate/);
  });

  it("fail a batch of line-1 over TLS with another station's client certificate is refused (wrong station)", async () => {
    // central learns a second station; it gets its own client certificate the regular way
    const centralConfig = join(dir, 'central', 'central.json');
    const config = JSON.parse(readFileSync(centralConfig, 'utf8'));
    const otherToken = 'line-2-token-0123456789abcdef';
    config.stations.push({ stationId: 'line-2', apiToken: otherToken });
    writeFileSync(centralConfig, JSON.stringify(config, null, 2));
    await line.restartCentral();
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(work, 'line-2.key'), '-subj', '/CN=Station line-2', '-outform', 'DER', '-out', join(work, 'line-2.csr'));
    const issued = await httpJson<{ certificate: string; chain: string[] }>('POST', `${line.centralUrl}/api/stations/tls-certificate`, { csr: readFileSync(join(work, 'line-2.csr')).toString('base64') }, otherToken);
    const cert = [issued.certificate, issued.chain[0]].map((b) => toPem(Buffer.from(b, 'base64'))).join('');
    const key = readFileSync(join(work, 'line-2.key'), 'utf8');

    // the station's own sync settles first (the export above is itself audited and synced), so
    // any change at central from here on could only come from the refused batch
    await waitUntil('the station backlog to drain to the restarted central', async () => {
      const [st, c] = await Promise.all([state(), central()]);
      return st.sync.unsynced === 0 && c.lastSeq === st.head.seq ? true : undefined;
    }, 30_000, 200);
    const before = await central();
    const refused = await postOverTls(line.centralTlsUrl, brandRoot, line1Batch, { cert, key });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'BATCH_WRONG_STATION');
    assert.deepEqual(await central(), before);
  });

  it('fail a self-made certificate naming line-1 (not from the Management CA) is refused', async () => {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(work, 'fake.key'), '-out', join(work, 'fake.pem'), '-subj', '/CN=Station line-1', '-days', '1', '-addext', 'extendedKeyUsage=clientAuth');
    const refused = await postOverTls(line.centralTlsUrl, brandRoot, line1Batch, { cert: readFileSync(join(work, 'fake.pem'), 'utf8'), key: readFileSync(join(work, 'fake.key'), 'utf8') });
    assert.equal(refused.status, 401);
    assert.match(refused.body.message ?? '', /client certificate refused/);
  });

  it('ok after central and then the station restart, sync over mutual TLS resumes', async () => {
    await httpJson('POST', `${line.stationUrl}/api/audit/checkpoints`, undefined, line.supervisorToken);
    await line.restartStation(); // a new record (its start) for central
    const s = await waitUntil('the backlog to drain', async () => {
      const st = await state();
      return st.sync.unsynced === 0 ? st : undefined;
    }, 30_000, 200);
    const c = await central();
    assert.equal(c.lastSeq, s.head.seq);
    assert.equal(c.records, c.lastSeq);
  });
});
