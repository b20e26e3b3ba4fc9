import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { readCertificate } from '../../../../src/pki/certificate-reader.js';
import { fromPem } from '../../../../src/pki/pem.js';
import { OID } from '../../../../src/pki/oids.js';
import { decodePkiMessage } from '../../../../src/pki/cmp/pki-message.js';
import { verifySignatureProtection } from '../../../../src/pki/cmp/cmp-protection.js';
import { decodeGenMsgContent } from '../../../../src/pki/cmp/cmp-requests.js';
import { decodeCertRepMessage, decodeErrorMsgContent, decodePollRepContent } from '../../../../src/pki/cmp/cmp-response-decoder.js';
import { children, readTopLevel } from '../../../../src/pki/der/der-reader.js';
import { CmpTestPki, OpensslFiles } from '../../../unit/pki/cmp/cmp-test-pki.js';
import { opensslCmp } from '../../../unit/pki/cmp/openssl-cmp.js';
import { FakeEnrollmentAuthority } from './fake-enrollment-authority.js';
import { startCmpNode, startRoundRobin } from './cmp-test-app.js';

/**
 * The real `openssl cmp` client (OpenSSL 3.0) against the CMP front-end over HTTP on 127.0.0.1,
 * with a fake enrollment authority. The interop recipes are those of interop.md.
 */
describe('CMP over HTTP with openssl cmp', () => {
  const pki = new CmpTestPki();
  const authority = new FakeEnrollmentAuthority(pki);
  const files = new OpensslFiles();
  const birth = pki.birthCertificate('SN0001');
  let node: Awaited<ReturnType<typeof startCmpNode>>;
  let server: string;
  const trusted = files.certs('central-ca.pem', pki.root.certificate);
  const birthArgs = ['-cert', files.certs('birth.pem', birth.certificate), '-key', files.key('birth.key', birth.signer),
    '-extracerts', files.certs('birth-chain.pem', pki.orderCa.certificate, pki.root.certificate)];
  const cmp = (args: string[], target = server) => opensslCmp(['-server', target, '-trusted', trusted, '-msg_timeout', '30', ...args]);
  const certOut = (name: string) => fromPem(readFileSync(files.path(name), 'utf8'));
  const ops: Record<string, { cert: string; key: string; spki: Uint8Array }> = {};

  before(async () => {
    node = await startCmpNode(authority, files.path('central.db'));
    server = `127.0.0.1:${node.port}/.well-known/cmp`;
  });
  after(async () => {
    await node?.close();
    rmSync(files.dir, { recursive: true, force: true });
  });

  it('ok ir protected by the birth certificate with its chain, explicit certConf', async () => {
    const key = files.newKey('op.key');
    const before = authority.confirmations.length;
    const r = await cmp([...birthArgs, '-cmd', 'ir', '-subject', '/CN=dev-0001', '-newkey', key.path, '-certout', files.path('op.pem'),
      '-reqout', `${files.path('ir.der')},${files.path('certconf.der')}`, '-rspout', `${files.path('ip.der')},${files.path('pkiconf.der')}`]);
    assert.equal(r.code, 0, r.output);
    const op = certOut('op.pem');
    assert.deepEqual(readCertificate(op).spki, Buffer.from(key.signer.spki), 'the issued certificate carries the requested key');
    const request = authority.issued.at(-1)!.request;
    assert.equal(request.operation, 'enroll');
    assert.deepEqual(request.requester.certificate, birth.certificate);
    assert.deepEqual(request.requester.extraCertificates, [pki.orderCa.certificate, pki.root.certificate]);
    // certConf reached the authority as an acceptance of that serial
    assert.deepEqual(authority.confirmations.slice(before), [{ serialHex: readCertificate(op).serialHex, accepted: true, reason: undefined }]);
    // the response: pvno 2, signed by the responder certificate placed first, echoes and nonces
    const ir = decodePkiMessage(readFileSync(files.path('ir.der')));
    const ip = decodePkiMessage(readFileSync(files.path('ip.der')));
    assert.equal(ip.bodyType, 'ip');
    assert.equal(ip.header.pvno, 2);
    assert.deepEqual(ip.header.transactionId, ir.header.transactionId);
    assert.deepEqual(ip.header.recipNonce, ir.header.senderNonce);
    assert.deepEqual(verifySignatureProtection(ip), pki.responseSigner.certificate);
    assert.equal(decodePkiMessage(readFileSync(files.path('pkiconf.der'))).bodyType, 'pkiconf');
    ops.op = { cert: files.path('op.pem'), key: key.path, spki: key.signer.spki };
  });

  it('ok cr with the operational certificate and implicit confirmation (no certConf sent)', async () => {
    const before = authority.confirmations.length;
    const r = await cmp(['-cmd', 'cr', '-cert', ops.op.cert, '-key', ops.op.key, '-implicit_confirm', '-certout', files.path('cr.pem'),
      '-reqout', `${files.path('cr.der')},${files.path('cr2.der')}`, '-rspout', files.path('cp.der')]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(readCertificate(certOut('cr.pem')).spki, Buffer.from(ops.op.spki));
    const cp = decodePkiMessage(readFileSync(files.path('cp.der')));
    assert.ok(cp.header.generalInfo.some((i) => i.type === OID.itImplicitConfirm), 'implicitConfirm granted in generalInfo');
    assert.throws(() => readFileSync(files.path('cr2.der')), /ENOENT/, 'no certConf was sent');
    assert.deepEqual(authority.confirmations.slice(before).map((c) => c.accepted), [true]);
  });

  it('ok kur with a new key replaces the operational certificate', async () => {
    const key = files.newKey('op2.key', 'ec-p384');
    const r = await cmp(['-cmd', 'kur', '-cert', ops.op.cert, '-key', ops.op.key, '-newkey', key.path, '-certout', files.path('op2.pem')]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(readCertificate(certOut('op2.pem')).spki, Buffer.from(key.signer.spki));
    assert.equal(authority.issued.at(-1)!.request.operation, 'key-update');
    ops.op2 = { cert: files.path('op2.pem'), key: key.path, spki: key.signer.spki };
  });

  it('ok p10cr: the CSR key is certified (certReqId -1)', async () => {
    const key = files.newKey('p10.key');
    const csr = files.path('p10.csr');
    assert.equal(spawnSync('openssl', ['req', '-new', '-key', key.path, '-subj', '/CN=dev-0001', '-out', csr]).status, 0);
    const r = await cmp(['-cmd', 'p10cr', '-cert', ops.op.cert, '-key', ops.op.key, '-csr', csr, '-certout', files.path('p10.pem')]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(readCertificate(certOut('p10.pem')).spki, Buffer.from(key.signer.spki));
  });

  it('ok rr: the new certificate revokes the old one (interop.md recipe)', async () => {
    const r = await cmp(['-cmd', 'rr', '-cert', ops.op2.cert, '-key', ops.op2.key, '-oldcert', ops.op.cert, '-revreason', '4']);
    assert.equal(r.code, 0, r.output);
    const rev = authority.revocations.at(-1)!;
    assert.deepEqual(rev.target, certOut('op.pem'));
    assert.equal(rev.reasonCode, 4);
  });

  it('ok genm caCerts: genp lists the Operational CA and the root', async () => {
    const r = await cmp(['-cmd', 'genm', '-cert', ops.op2.cert, '-key', ops.op2.key, '-infotype', 'caCerts', '-rspout', files.path('genp.der')]);
    assert.equal(r.code, 0, r.output);
    const genp = decodePkiMessage(readFileSync(files.path('genp.der')));
    assert.equal(genp.bodyType, 'genp');
    const [itav] = decodeGenMsgContent(genp.der, genp.body);
    assert.equal(itav.type, OID.itCaCerts);
    const certs = children(itav.value!, readTopLevel(itav.value!, 'CaCerts')).map((t) => itav.value!.subarray(t.start, t.end));
    assert.deepEqual(certs.map((c) => Buffer.from(c)), [pki.operationalCa.certificate, pki.root.certificate]);
  });

  it('fail a refusal: openssl exits 1 with the reason and nothing is issued', async () => {
    const key = files.newKey('refused.key');
    const issued = authority.issued.length;
    const r = await cmp([...birthArgs, '-cmd', 'ir', '-subject', '/CN=refused-device', '-newkey', key.path, '-certout', files.path('refused.pem')]);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /rejection/);
    assert.match(r.output, /never appeared in an audit batch/);
    assert.equal(authority.issued.length, issued);
  });

  it('fail a birth certificate that does not chain (bad-chain → signerNotTrusted)', async () => {
    const rogueCa = pki.endEntity(pki.root, { commonName: 'not a CA' });
    const rogue = pki.endEntity({ subject: readCertificate(rogueCa.certificate).subject, certificate: rogueCa.certificate, keyIdentifier: Buffer.alloc(20), signer: rogueCa.signer }, { commonName: 'rogue' });
    const key = files.newKey('rogue-new.key');
    const issued = authority.issued.length;
    const r = await cmp(['-cmd', 'ir', '-cert', files.certs('rogue.pem', rogue.certificate), '-key', files.key('rogue.key', rogue.signer),
      '-subject', '/CN=rogue', '-newkey', key.path, '-certout', files.path('rogue-op.pem')]);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /signerNotTrusted/i);
    assert.equal(authority.issued.length, issued);
  });

  it('fail openssl sends an ir whose protection signature was tampered with: badMessageCheck, nothing issued', async () => {
    const der = Buffer.from(readFileSync(files.path('ir.der')));
    der[der.indexOf(decodePkiMessage(der).protection!) + 10] ^= 0x01;
    writeFileSync(files.path('tampered.der'), der);
    const calls = authority.enrollRequests.length;
    const key = files.newKey('tampered.key');
    const r = await cmp([...birthArgs, '-cmd', 'ir', '-subject', '/CN=dev-0001', '-newkey', key.path, '-reqin', files.path('tampered.der'),
      '-certout', files.path('tampered.pem'), '-rspout', files.path('tampered-rsp.der')]);
    assert.equal(r.code, 1, r.output);
    const answer = decodePkiMessage(readFileSync(files.path('tampered-rsp.der')));
    assert.equal(answer.bodyType, 'error');
    assert.deepEqual(decodeErrorMsgContent(answer.der, answer.body).failInfo, ['badMessageCheck']);
    assert.equal(authority.enrollRequests.length, calls);
  });

  it('fail a negative certConf (client does not trust the new certificate) reaches the authority as a rejection', async () => {
    const key = files.newKey('neg.key');
    const unrelated = pki.endEntity(pki.orderCa, { commonName: 'unrelated' });
    const before = authority.confirmations.length;
    const r = await cmp([...birthArgs, '-cmd', 'ir', '-subject', '/CN=dev-0002', '-newkey', key.path,
      '-out_trusted', files.certs('unrelated.pem', unrelated.certificate), '-certout', files.path('neg.pem')]);
    assert.equal(r.code, 1, r.output);
    const confirmations = authority.confirmations.slice(before);
    assert.equal(confirmations.length, 1);
    assert.equal(confirmations[0].accepted, false);
    assert.equal(confirmations[0].serialHex, authority.issued.at(-1)!.serialHex);
  });

  it('ok an unconfirmed certificate is revoked when its transaction expires', async () => {
    const key = files.newKey('noconf.key');
    const r = await cmp([...birthArgs, '-cmd', 'ir', '-subject', '/CN=dev-0003', '-newkey', key.path, '-disable_confirm', '-certout', files.path('noconf.pem')]);
    assert.equal(r.code, 0, r.output);
    const serial = readCertificate(certOut('noconf.pem')).serialHex;
    assert.equal(authority.confirmations.find((c) => c.serialHex === serial), undefined);
    const { CmpService } = await import('../../../../src/central/enrollment/cmp/cmp.service.js');
    assert.ok((await node.app.get(CmpService).sweepExpired(new Date(Date.now() + 3600_000))) >= 1);
    assert.deepEqual(authority.confirmations.find((c) => c.serialHex === serial)?.accepted, false);
  });
});

describe('CMP transactions across two central nodes sharing one database', () => {
  const pki = new CmpTestPki();
  const authority = new FakeEnrollmentAuthority(pki);
  const files = new OpensslFiles();
  const birth = pki.birthCertificate('SN0100');
  let nodes: Array<Awaited<ReturnType<typeof startCmpNode>>>;
  let balancer: Awaited<ReturnType<typeof startRoundRobin>>;

  before(async () => {
    nodes = [await startCmpNode(authority, files.path('central.db')), await startCmpNode(authority, files.path('central.db'))];
    balancer = await startRoundRobin(nodes.map((n) => n.port));
  });
  after(async () => {
    await balancer?.close();
    for (const n of nodes ?? []) await n.close();
    rmSync(files.dir, { recursive: true, force: true });
  });

  it('ok polling with implicit confirmation: the pending request is stored, polled on the other node, and ends with the ip', async () => {
    const key = files.newKey('slow-implicit.key');
    const r = await opensslCmp(['-keep_alive', '0', '-server', `127.0.0.1:${balancer.port}/.well-known/cmp/p/thermo`, '-trusted', files.certs('ca.pem', pki.root.certificate),
      '-cmd', 'ir', '-implicit_confirm', '-cert', files.certs('birth.pem', birth.certificate), '-key', files.key('birth.key', birth.signer),
      '-extracerts', files.certs('chain.pem', pki.orderCa.certificate), '-subject', '/CN=slow-device-2', '-newkey', key.path,
      '-certout', files.path('slow-implicit.pem'), '-rspout', ['i1', 'i2', 'i3'].map((f) => files.path(`${f}.der`)).join(',')]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(readCertificate(fromPem(readFileSync(files.path('slow-implicit.pem'), 'utf8'))).spki, Buffer.from(key.signer.spki));
    const answers = ['i1', 'i2', 'i3'].map((f) => decodePkiMessage(readFileSync(files.path(`${f}.der`))));
    assert.deepEqual(answers.map((m) => m.bodyType), ['ip', 'pollRep', 'ip']);
    assert.equal(decodeCertRepMessage(answers[0].der, answers[0].body)[0].status, 'waiting');
    assert.ok(answers[2].header.generalInfo.some((i) => i.type === OID.itImplicitConfirm), 'implicit confirmation granted');
  });

  it('ok polling: waiting on one node, pollRep/final ip and certConf on the others', async () => {
    const confirmedBefore = authority.confirmations.length;
    const key = files.newKey('slow.key');
    // -keep_alive 0: one connection per message, so the balancer alternates nodes within the transaction
    const r = await opensslCmp(['-keep_alive', '0', '-server', `127.0.0.1:${balancer.port}/.well-known/cmp/p/thermo`, '-trusted', files.certs('ca.pem', pki.root.certificate),
      '-cmd', 'ir', '-cert', files.certs('birth.pem', birth.certificate), '-key', files.key('birth.key', birth.signer),
      '-extracerts', files.certs('chain.pem', pki.orderCa.certificate), '-subject', '/CN=slow-device', '-newkey', key.path,
      '-certout', files.path('slow.pem'), '-rspout', ['r1', 'r2', 'r3', 'r4'].map((f) => files.path(`${f}.der`)).join(',')]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(readCertificate(fromPem(readFileSync(files.path('slow.pem'), 'utf8'))).spki, Buffer.from(key.signer.spki));
    // ir → ip(waiting) on node A, pollReq → pollRep on B, pollReq → ip on A, certConf → pkiConf on B
    const answers = ['r1', 'r2', 'r3', 'r4'].map((f) => decodePkiMessage(readFileSync(files.path(`${f}.der`))));
    assert.deepEqual(answers.map((m) => m.bodyType), ['ip', 'pollRep', 'ip', 'pkiconf']);
    const [waiting] = decodeCertRepMessage(answers[0].der, answers[0].body);
    assert.equal(waiting.status, 'waiting');
    assert.equal(decodePollRepContent(answers[1].der, answers[1].body).checkAfter, 1);
    assert.ok(balancer.connections.every((c) => c > 0), `both nodes served: ${balancer.connections.join(', ')}`);
    assert.deepEqual(authority.confirmations.slice(confirmedBefore).map((c) => c.accepted), [true]);
  });
});
