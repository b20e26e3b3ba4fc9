import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { provisionAll, startLine, type RunningLine } from '../../src/demo/line.js';
import { httpJson, waitUntil } from '../../src/demo/processes.js';
import { cmpOpenssl, deviceFiles, estEnrollCurl, newKeyAndCsr } from '../../src/demo/field-clients.js';

const exec = (cmd: string, args: string[]) =>
  new Promise<string>((resolve) => execFile(cmd, args, (_e, stdout, stderr) => resolve(`${stdout}${stderr}`)));

/**
 * Field enrollment over CMP with `openssl cmp` (OpenSSL 3.0) against central, as interop.md
 * describes: ir protected by the birth certificate, then cr, kur, rr and genm with the
 * operational certificate; the greenfield policy is the same as for EST.
 */
describe('e2e: CMP greenfield enrollment and lifecycle with openssl cmp', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-cmp-'));
  const work = join(dir, 'work');
  let root: string;
  const enrollments = async () => (await httpJson<unknown[]>('GET', `${line.centralUrl}/api/enrollments`, undefined, line.adminToken)).length;

  before(async () => {
    line = await startLine({ stateDir: dir, devices: 4, jigs: 2, stationSettings: { auditSyncIntervalMs: 300 } });
    await provisionAll(line, 2, 4);
    await waitUntil('audit sync', async () => {
      const s = await httpJson<{ sync: { unsynced: number; ackedSeq: number } }>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
      return s.sync.unsynced === 0 && s.sync.ackedSeq > 0 ? true : undefined;
    }, 30_000);
    mkdirSync(work, { recursive: true });
    root = join(work, 'brand-root.pem');
    writeFileSync(root, (await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/pki/root`)).pem);
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const base = () => ({ url: line.centralUrl, trust: root });
  const op = (n: string) => join(work, `${n}.pem`);

  it('ir with the birth certificate (chain in extraCerts) issues the operational certificate for the new key', async () => {
    const f = deviceFiles(dir, line.serials[0]);
    const k = await newKeyAndCsr(work, 'op1', 'dev-1');
    const res = await cmpOpenssl({ ...base(), cmd: 'ir', cert: f.birth, key: f.key, extraCerts: f.chain, newKey: k.key, subject: '/CN=dev-1', out: op('op1') });
    assert.ok(res.ok, res.output);
    const cert = new X509Certificate(readFileSync(op('op1')));
    assert.ok(cert.publicKey.equals(createPublicKey(readFileSync(k.key))));
    assert.match(cert.subject, new RegExp(`serialNumber=${line.serials[0]}`));
    assert.equal(await enrollments(), 1);
  });

  it('a second ir with the same birth certificate and another key is refused (clone) and stores nothing', async () => {
    const f = deviceFiles(dir, line.serials[0]);
    const k = await newKeyAndCsr(work, 'clone', 'dev-1');
    const res = await cmpOpenssl({ ...base(), cmd: 'ir', cert: f.birth, key: f.key, extraCerts: f.chain, newKey: k.key, subject: '/CN=dev-1', out: op('clone') });
    assert.equal(res.ok, false);
    assert.match(res.output, /clone|notAuthorized/i);
    assert.equal(await enrollments(), 1);
    const alarms = await httpJson<Array<{ kind: string }>>('GET', `${line.centralUrl}/api/alarms`, undefined, line.adminToken);
    assert.ok(alarms.some((a) => a.kind === 'clone'));
  });

  it('p10cr with the birth certificate of another device enrolls it', async () => {
    const f = deviceFiles(dir, line.serials[1]);
    const k = await newKeyAndCsr(work, 'op2', 'dev-2');
    const res = await cmpOpenssl({ ...base(), cmd: 'p10cr', cert: f.birth, key: f.key, extraCerts: f.chain, csr: k.csrPem, out: op('op2') });
    assert.ok(res.ok, res.output);
    assert.equal(await enrollments(), 2);
  });

  it('cr (implicit confirm) and kur with the operational certificate; rr revokes, and OCSP then says revoked', async () => {
    const cr = await cmpOpenssl({ ...base(), cmd: 'cr', cert: op('op1'), key: join(work, 'op1.key'), subject: '/CN=dev-1', out: op('cr1'), implicitConfirm: true, extra: ['-newkey', join(work, 'op1.key')] });
    assert.ok(cr.ok, cr.output);
    const k2 = await newKeyAndCsr(work, 'kur1', 'dev-1');
    const kur = await cmpOpenssl({ ...base(), cmd: 'kur', cert: op('op1'), key: join(work, 'op1.key'), newKey: k2.key, out: op('kur1') });
    assert.ok(kur.ok, kur.output);
    assert.ok(new X509Certificate(readFileSync(op('kur1'))).publicKey.equals(createPublicKey(readFileSync(k2.key))));
    const rr = await cmpOpenssl({ ...base(), cmd: 'rr', cert: op('kur1'), key: k2.key, oldCert: op('cr1'), extra: ['-revreason', '4'] });
    assert.ok(rr.ok, rr.output);
    const opCa = join(work, 'op-ca.pem');
    const chain = await (await fetch(`${line.centralUrl}/ca/operational-ca.cer`)).arrayBuffer();
    writeFileSync(opCa, new X509Certificate(Buffer.from(chain)).toString());
    const status = await exec('openssl', ['ocsp', '-issuer', opCa, '-cert', op('cr1'), '-url', `${line.centralUrl}/ocsp`, '-CAfile', root]);
    assert.match(status, /cr1\.pem: revoked/, status);
  });

  it('rr revokes a certificate central issued over EST, named only by issuer and serial', async () => {
    const f = deviceFiles(dir, line.serials[2]);
    const k = await newKeyAndCsr(work, 'est3', 'dev-3');
    const est = await estEnrollCurl({ url: line.centralTlsUrl, tlsTrust: root, clientCert: f.birth, clientKey: f.key, csrDer: k.csrDer, out: op('est3') });
    assert.equal(est.httpStatus, 200, est.output);
    const cr = await cmpOpenssl({ ...base(), cmd: 'cr', cert: op('est3'), key: k.key, subject: '/CN=dev-3', out: op('cr3'), implicitConfirm: true, extra: ['-newkey', k.key] });
    assert.ok(cr.ok, cr.output);
    const rr = await cmpOpenssl({ ...base(), cmd: 'rr', cert: op('cr3'), key: k.key, oldCert: op('est3'), extra: ['-revreason', '1'] });
    assert.ok(rr.ok, rr.output);
    const opCa = join(work, 'op-ca-3.pem');
    writeFileSync(opCa, new X509Certificate(Buffer.from(await (await fetch(`${line.centralUrl}/ca/operational-ca.cer`)).arrayBuffer())).toString());
    const status = await exec('openssl', ['ocsp', '-issuer', opCa, '-cert', op('est3'), '-url', `${line.centralUrl}/ocsp`, '-CAfile', root]);
    assert.match(status, /est3\.pem: revoked/, status);
  });

  it('genm caCerts returns the CA certificates', async () => {
    const f = deviceFiles(dir, line.serials[1]);
    const res = await cmpOpenssl({ ...base(), cmd: 'genm', cert: op('op2'), key: join(work, 'op2.key'), extra: ['-infotype', 'caCerts', '-rspout', join(work, 'genp.der')] });
    assert.ok(res.ok, res.output);
    assert.match(res.output, /genp contains ITAV of type: id-it-caCerts/);
    // the genp carries the Operational CA and the root (RFC 9480 §4.3)
    const genp = readFileSync(join(work, 'genp.der'));
    const opCa = Buffer.from(await (await fetch(`${line.centralUrl}/ca/operational-ca.cer`)).arrayBuffer());
    assert.ok(genp.includes(opCa), 'the Operational CA certificate is in the genp');
    assert.ok(f.birth);
  });
});
