import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureSoftHsmToken } from '../../src/hsm/softhsm-token.js';
import { freePort, httpJson, startProcess, type RunningProcess } from '../../src/demo/processes.js';
import { estEnrollCurl, newKeyAndCsr } from '../../src/demo/field-clients.js';
import { buildSignedCsr } from '../../src/pki/csr.js';
import { encodeName } from '../../src/pki/name.js';
import { toPem } from '../../src/pki/pem.js';
import { readCertificate } from '../../src/pki/certificate-reader.js';
import { keyIdentifierOf } from '../../src/pki/spki.js';
import { BirthCertificateTemplate } from '../../src/pki/birth-certificate.js';
import { chainRecord, GENESIS_HASH, type AuditRecord } from '../../src/audit/audit-record.js';
import { signAuditBatch } from '../../src/audit/audit-batch.js';
import { softwareSigner } from '../support/software-signer.js';
import { HW_TYPE } from '../support/field-devices.js';
import { startPostgres, type RunningPostgres } from '../support/postgres.js';
import { CENTRAL_MIGRATIONS } from '../../src/central/database/migrations.js';

const DIST = fileURLToPath(new URL('../../', import.meta.url)); // dist/

interface Node {
  name: string;
  url: string;
  tlsUrl: string;
  proc: RunningProcess;
}

interface Device {
  serial: string;
  birth: string;
  key: string;
}

/**
 * Scale-out (system.md §7): two central processes share one PostgreSQL and one SoftHSM2 token
 * (so one brand hierarchy), and the greenfield rules hold across them. The station's side is
 * played over central's HTTP API (audit certificate, Order CA, signed audit batches) with
 * software keys; devices enroll with curl over EST (RFC 7030) against both nodes' HTTPS
 * listeners at the same moment.
 */
describe('e2e: two central nodes on one PostgreSQL keep one enrollment per device and the quota', () => {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-scale-'));
  const adminToken = randomBytes(16).toString('hex');
  const stationToken = randomBytes(16).toString('hex');
  const pin = randomBytes(6).toString('hex');
  let postgres: RunningPostgres;
  let db: pg.Client;
  const nodes: Node[] = [];
  let rootPem: string;
  const stationKey = softwareSigner();
  let auditChain: Buffer[] = [];
  let head: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };

  // node-postgres gives BIGINT (COUNT) as a string: a number here
  const one = async (text: string, params: unknown[] = []): Promise<number> => Number(Object.values((await db.query(text, params)).rows[0])[0]);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

  async function startNode(name: string, hsmConf: string, modulePath: string, databaseUrl: string, publicUrl: string | null, httpPort: number): Promise<Node> {
    const nodeDir = join(dir, name);
    mkdirSync(nodeDir, { recursive: true });
    const config = join(nodeDir, 'central.json');
    writeFileSync(config, JSON.stringify({
      databasePath: join(nodeDir, 'central.db'),
      http: { host: '127.0.0.1', port: httpPort },
      hsm: { modulePath, tokenLabel: 'central', pin },
      brand: { organization: 'Acme Devices', rootCommonName: 'Acme Devices Brand Root CA' },
      adminToken,
      stations: [{ stationId: 'line-1', apiToken: stationToken }],
      tls: { host: '127.0.0.1', port: await freePort(), serverNames: ['127.0.0.1', 'localhost'] },
      // behind a load balancer every node names the same status URLs in what it issues
      enrollment: { auditGraceSeconds: 0, ...(publicUrl ? { publicUrl } : {}) },
    }), { mode: 0o600 });
    const proc = await startProcess({
      name,
      command: process.execPath,
      args: [join(DIST, 'src/central/main.js')],
      env: { SOFTHSM2_CONF: hsmConf, CENTRAL_CONFIG: config, DATABASE_URL: databaseUrl },
      logFile: join(dir, 'logs', `${name}.log`),
      readyPattern: /READY central (\S+ tls=\S+)/,
      timeoutMs: 60_000,
    });
    const [url, tls] = proc.ready.split(' tls=');
    return { name, url, tlsUrl: tls, proc };
  }

  /** The station's audit: records of signed birth certificates, one signed batch, sent to `node`. */
  async function audit(node: Node, orderId: string, signed: Array<{ serial: string; fingerprint: string }>): Promise<void> {
    const fromSeq = head.seq + 1;
    const prevHash = head.hash;
    const records: AuditRecord[] = [];
    for (const d of signed) {
      const r = chainRecord(head, { time: new Date().toISOString(), kind: 'certificate-signed', actor: 'jig 1 slot 0', orderId, deviceSerial: d.serial, fingerprint: d.fingerprint, outcome: 'ok', detail: 'birth certificate issued' });
      records.push(r);
      head = r;
    }
    const batch = signAuditBatch({ v: 1, stationId: 'line-1', fromSeq, toSeq: head.seq, prevHash, records }, stationKey, auditChain);
    const receipt = await httpJson<{ toSeq: number; stored: number }>('POST', `${node.url}/api/audit/batches`, { batch: b64(batch) }, stationToken);
    assert.deepEqual([receipt.toSeq, receipt.stored], [head.seq, records.length]);
  }

  /** An order made on node `creator`, its Order CA signed by `signer`, and `n` audited devices. */
  async function order(orderId: string, quota: number, n: number, creator: Node, signer: Node, auditAt: Node): Promise<Device[]> {
    const notBefore = new Date(Date.now() - 3600_000).toISOString();
    const notAfter = new Date(Date.now() + 24 * 3600_000).toISOString();
    await httpJson('POST', `${creator.url}/api/orders`, { orderId, stationId: 'line-1', productModel: 'thermo-1', quota, serialFirst: 'SN000001', serialLast: 'SN999999', notBefore, notAfter }, adminToken);
    const orderCaKey = softwareSigner();
    const { certificate } = await httpJson<{ certificate: string }>('POST', `${signer.url}/api/orders/${orderId}/order-ca`, { csr: b64(buildSignedCsr(orderCaKey, encodeName({ commonName: `Order CA ${orderId}` }))) }, stationToken);
    const orderCa = readCertificate(Buffer.from(certificate, 'base64'));
    const template = new BirthCertificateTemplate({ subject: orderCa.subject, keyIdentifier: orderCa.subjectKeyIdentifier!, signer: orderCaKey }, orderId, { hardwareTypeOid: HW_TYPE, organization: 'Acme Devices' });
    const devices: Device[] = [];
    const signed: Array<{ serial: string; fingerprint: string }> = [];
    for (let i = 1; i <= n; i++) {
      const serial = `SN${orderId.replace(/\D/g, '').padStart(2, '0')}${String(i).padStart(4, '0')}`;
      const key = softwareSigner();
      const birth = template.issue({ serial, algorithm: 'ec-p256', spki: key.spki, keyIdentifier: keyIdentifierOf(key.spki) }, new Date(Date.now() - 60_000));
      const devDir = join(dir, 'devices', serial);
      mkdirSync(devDir, { recursive: true });
      writeFileSync(join(devDir, 'birth.pem'), toPem(birth.der));
      writeFileSync(join(devDir, 'key.pem'), key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
      devices.push({ serial, birth: join(devDir, 'birth.pem'), key: join(devDir, 'key.pem') });
      signed.push({ serial, fingerprint: birth.fingerprint });
    }
    await audit(auditAt, orderId, signed);
    return devices;
  }

  const enroll = async (node: Node, d: Device, csrDer: string, tag: string) => {
    const out = join(dir, 'devices', d.serial, `${tag}.pem`);
    const res = await estEnrollCurl({ url: node.tlsUrl, tlsTrust: join(dir, 'root.pem'), clientCert: d.birth, clientKey: d.key, csrDer, out });
    return { node: node.name, status: res.httpStatus ?? 0, output: res.output, certificate: res.httpStatus === 200 ? readFileSync(out, 'utf8') : null };
  };

  before(async () => {
    postgres = await startPostgres();
    db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'central', pin, soPin: randomBytes(6).toString('hex') });
    // the first node creates the hierarchy in the shared token and migrates; the second joins it
    const portA = await freePort();
    const publicUrl = `http://127.0.0.1:${portA}`;
    nodes.push(await startNode('central-a', token.confPath, token.modulePath, postgres.url, publicUrl, portA));
    nodes.push(await startNode('central-b', token.confPath, token.modulePath, postgres.url, publicUrl, await freePort()));
    rootPem = (await httpJson<{ pem: string }>('GET', `${nodes[0].url}/api/pki/root`)).pem;
    writeFileSync(join(dir, 'root.pem'), rootPem);
    const { certificate, chain } = await httpJson<{ certificate: string; chain: string[] }>('POST', `${nodes[1].url}/api/stations/audit-certificate`,
      { csr: b64(buildSignedCsr(stationKey, encodeName({ organization: 'Acme Devices', commonName: 'Station line-1 audit' }))) }, stationToken);
    auditChain = [certificate, chain[0]].map((c) => Buffer.from(c, 'base64'));
  });
  after(async () => {
    for (const n of nodes.reverse()) await n.proc.stop().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('both nodes serve one brand hierarchy from the shared database and token', async () => {
    const rootB = (await httpJson<{ pem: string }>('GET', `${nodes[1].url}/api/pki/root`)).pem;
    assert.equal(rootB, rootPem);
    assert.equal(await one('SELECT COUNT(*) FROM migrations'), CENTRAL_MIGRATIONS.length, 'the schema was migrated once');
    assert.equal(await one(`SELECT COUNT(*) FROM ca_certificate WHERE name = 'brand-root'`), 1);
  });

  it('the same device enrolling at both nodes at the same moment is enrolled once: a twin request gets the same certificate, another key is a clone', async () => {
    const devices = await order('PO-01', 100, 16, nodes[0], nodes[1], nodes[0]);
    const outcomes = await Promise.all(devices.map(async (d, i) => {
      const sameRequest = i % 2 === 0;
      const first = await newKeyAndCsr(join(dir, 'devices', d.serial), 'op-a', d.serial);
      const second = sameRequest ? first : await newKeyAndCsr(join(dir, 'devices', d.serial), 'op-b', d.serial);
      // device i sends to A then B or B then A, both at once
      const [x, y] = i % 4 < 2 ? [nodes[0], nodes[1]] : [nodes[1], nodes[0]];
      return { d, sameRequest, answers: await Promise.all([enroll(x, d, first.csrDer, 'at-x'), enroll(y, d, second.csrDer, 'at-y')]) };
    }));
    const issuedBy = new Set<string>();
    for (const { d, sameRequest, answers } of outcomes) {
      const ok = answers.filter((a) => a.status === 200);
      ok.forEach((a) => issuedBy.add(a.node));
      if (sameRequest) {
        assert.equal(ok.length, 2, `${d.serial}: the very same request is answered at both nodes: ${JSON.stringify(answers.map((a) => [a.status, a.output.slice(0, 120)]))}`);
        assert.equal(ok[0].certificate, ok[1].certificate, `${d.serial}: with the same certificate`);
      } else {
        assert.equal(ok.length, 1, `${d.serial}: one of two keys enrolls: ${JSON.stringify(answers.map((a) => [a.status, a.output.slice(0, 120)]))}`);
        const refused = answers.find((a) => a.status !== 200)!;
        assert.equal(refused.status, 403);
        assert.match(refused.output, /^clone:/);
      }
    }
    assert.deepEqual([...issuedBy].sort(), ['central-a', 'central-b'], 'both nodes issued');
    assert.equal(await one(`SELECT COUNT(*) FROM device_enrollment WHERE order_id = 'PO-01'`), devices.length, 'one enrollment per device');
    assert.equal(await one(`SELECT COUNT(DISTINCT device_serial) FROM device_enrollment WHERE order_id = 'PO-01'`), devices.length);
    assert.equal(await one(`SELECT enrolled FROM production_order WHERE order_id = 'PO-01'`), devices.length, 'enrolled counts distinct devices');
    assert.equal(await one(`SELECT COUNT(*) FROM operational_certificate WHERE order_id = 'PO-01'`), devices.length, 'no certificate left from a lost race');
    const alarms = await httpJson<Array<{ kind: string; deviceSerial: string }>>('GET', `${nodes[1].url}/api/alarms`, undefined, adminToken);
    const cloned = new Set(alarms.filter((a) => a.kind === 'clone').map((a) => a.deviceSerial));
    assert.deepEqual([...cloned].sort(), outcomes.filter((o) => !o.sameRequest).map((o) => o.d.serial).sort(), 'a clone alarm for each device that tried a second key, none for twins');
    const listed = await httpJson<unknown[]>('GET', `${nodes[1].url}/api/enrollments?orderId=PO-01`, undefined, adminToken);
    assert.equal(listed.length, devices.length);
  });

  it('the quota holds across nodes: a quota-6 order with 10 audited devices enrolling through both nodes at once gets exactly 6', async () => {
    // Order made at B, Order CA from A, audit batch to B (continuing the chain A received)
    const devices = await order('PO-02', 6, 10, nodes[1], nodes[0], nodes[1]);
    const answers = await Promise.all(devices.map(async (d, i) => {
      const csr = await newKeyAndCsr(join(dir, 'devices', d.serial), 'op', d.serial);
      return enroll(nodes[i % 2], d, csr.csrDer, 'op-cert');
    }));
    assert.equal(answers.filter((a) => a.status === 200).length, 6, JSON.stringify(answers.map((a) => [a.node, a.status, a.output.slice(0, 80)])));
    const refused = answers.filter((a) => a.status !== 200);
    assert.equal(refused.length, 4);
    for (const r of refused) {
      assert.equal(r.status, 403);
      assert.match(r.output, /^over-quota:/);
    }
    assert.equal(await one(`SELECT enrolled FROM production_order WHERE order_id = 'PO-02'`), 6);
    assert.equal(await one(`SELECT COUNT(*) FROM device_enrollment WHERE order_id = 'PO-02'`), 6);
    assert.equal(await one(`SELECT COUNT(*) FROM enrollment_event WHERE order_id = 'PO-02' AND reason = 'over-quota'`), 4, 'every refusal recorded');
    const state = await httpJson<{ lastSeq: number; devices: number }>('GET', `${nodes[0].url}/api/audit/stations/line-1`, undefined, adminToken);
    assert.deepEqual([state.lastSeq, state.devices], [26, 26], 'both batches continue one chain, whichever node took them');
  });
});
