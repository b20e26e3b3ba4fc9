import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { encodeName } from '../../../../src/pki/name.js';
import { OID } from '../../../../src/pki/oids.js';
import { nullValue } from '../../../../src/pki/der/der-writer.js';
import { decodePkiMessage, type PkiMessage } from '../../../../src/pki/cmp/pki-message.js';
import { verifySignatureProtection } from '../../../../src/pki/cmp/cmp-protection.js';
import { buildCertConf, buildCertReqMessages, buildClientMessage, buildPollReq, type ClientCredentials } from '../../../../src/pki/cmp/cmp-request-builder.js';
import { decodeCertRepMessage, decodeErrorMsgContent, decodeRevRepContent } from '../../../../src/pki/cmp/cmp-response-decoder.js';
import { expectedCertHash } from '../../../../src/pki/cmp/cert-hash.js';
import type { PkiStatusInfo } from '../../../../src/pki/cmp/pki-status.js';
import { CmpTestPki, OpensslFiles } from '../../../unit/pki/cmp/cmp-test-pki.js';
import { softwareSigner } from '../../../support/software-signer.js';
import { FakeEnrollmentAuthority } from './fake-enrollment-authority.js';
import { startCmpNode } from './cmp-test-app.js';

/** Misbehaving clients over HTTP: every parseable message gets HTTP 200 and a signed CMP answer. */
describe('CMP over HTTP: bad input', () => {
  const pki = new CmpTestPki();
  const authority = new FakeEnrollmentAuthority(pki);
  const files = new OpensslFiles();
  const birth = pki.birthCertificate('SN0200');
  const device: ClientCredentials = { signer: birth.signer, certificate: birth.certificate, chain: [pki.orderCa.certificate] };
  let node: Awaited<ReturnType<typeof startCmpNode>>;

  const post = async (body: Uint8Array, contentType = 'application/pkixcmp', path = '/.well-known/cmp', port = node.port) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
  };
  /** POST a CMP message and read the signed answer, checking its protection with the responder certificate. */
  const exchange = async (der: Uint8Array): Promise<PkiMessage> => {
    const res = await post(der);
    assert.equal(res.status, 200);
    assert.equal(res.contentType, 'application/pkixcmp');
    const answer = decodePkiMessage(res.body);
    assert.deepEqual(verifySignatureProtection(answer), pki.responseSigner.certificate);
    return answer;
  };
  const errorOf = (m: PkiMessage): PkiStatusInfo => {
    assert.equal(m.bodyType, 'error');
    return decodeErrorMsgContent(m.der, m.body);
  };
  const ir = (transactionId = randomBytes(16), popSigner = softwareSigner('ec-p256'), key = popSigner, generalInfo?: Array<{ type: string; value?: Buffer }>) =>
    buildClientMessage(device, {
      bodyType: 'ir',
      transactionId,
      generalInfo,
      body: buildCertReqMessages({ subject: encodeName({ commonName: 'dev-0200' }), spki: key.spki, popSigner }),
    });

  before(async () => {
    node = await startCmpNode(authority, files.path('central.db'), { maxMessageBytes: 16 * 1024 });
  });
  after(async () => {
    await node?.close();
    rmSync(files.dir, { recursive: true, force: true });
  });

  it('fail wrong content type: HTTP 415 that names the expected type', async () => {
    const res = await post(ir(), 'text/plain');
    assert.equal(res.status, 415);
    assert.match(res.body.toString('utf8'), /Content-Type: application\/pkixcmp/);
  });

  it('fail oversized body: HTTP 413, nothing parsed', async () => {
    const calls = authority.enrollRequests.length;
    const res = await post(Buffer.alloc(20 * 1024, 0x30));
    assert.equal(res.status, 413);
    assert.equal(authority.enrollRequests.length, calls);
  });

  it('fail garbage: HTTP 400 with a signed CMP error badDataFormat', async () => {
    const res = await post(Buffer.from('definitely not DER'));
    assert.equal(res.status, 400);
    assert.equal(res.contentType, 'application/pkixcmp');
    const answer = decodePkiMessage(res.body);
    verifySignatureProtection(answer);
    assert.deepEqual(errorOf(answer).failInfo, ['badDataFormat']);
  });

  it('fail a truncated ir with a readable header: HTTP 200, error badDataFormat within its transaction', async () => {
    const tid = randomBytes(16);
    const der = ir(tid);
    const answer = await exchange(der.subarray(0, der.length - 40));
    assert.deepEqual(answer.header.transactionId, tid);
    assert.deepEqual(errorOf(answer).failInfo, ['badDataFormat']);
  });

  it('fail a bad protection signature: error badMessageCheck, the authority is not asked', async () => {
    const calls = authority.enrollRequests.length;
    const der = Buffer.from(ir());
    const m = decodePkiMessage(der);
    der[der.indexOf(m.protection!) + 10] ^= 0x01; // inside the signature value
    const answer = await exchange(der);
    assert.deepEqual(errorOf(answer).failInfo, ['badMessageCheck']);
    assert.equal(authority.enrollRequests.length, calls);
  });

  it('fail an unprotected message: error wrongIntegrity', async () => {
    // ProtectedPart is a PKIMessage without protection and extraCerts
    const unprotected = decodePkiMessage(ir()).protectedPart;
    assert.deepEqual(errorOf(await exchange(unprotected)).failInfo, ['wrongIntegrity']);
  });

  it('fail bad POP: ip with rejection badPOP, the authority is not asked', async () => {
    const calls = authority.enrollRequests.length;
    const answer = await exchange(ir(randomBytes(16), softwareSigner('ec-p256'), softwareSigner('ec-p256')));
    assert.equal(answer.bodyType, 'ip');
    const [response] = decodeCertRepMessage(answer.der, answer.body);
    assert.equal(response.status, 'rejection');
    assert.deepEqual(response.failInfo, ['badPOP']);
    assert.equal(response.certificate, undefined);
    assert.equal(authority.enrollRequests.length, calls);
  });

  it('fail a transactionID in use by an open transaction: transactionIdInUse, no second issuance', async () => {
    const tid = randomBytes(16);
    const first = await exchange(ir(tid));
    assert.equal(decodeCertRepMessage(first.der, first.body)[0].status, 'accepted');
    const issued = authority.issued.length;
    assert.ok(errorOf(await exchange(ir(tid))).failInfo!.includes('transactionIdInUse'));
    assert.equal(authority.issued.length, issued);
  });

  it('fail the same implicitly confirmed ir twice at once: one certificate, the other answered transactionIdInUse', async () => {
    const tid = randomBytes(16);
    const der = ir(tid, undefined, undefined, [{ type: OID.itImplicitConfirm, value: nullValue() }]);
    const issued = authority.issued.length;
    // the first is held inside the authority, so the second certainly arrives while it is open
    const hold = authority.holdNextEnroll();
    const first = exchange(der);
    await hold.entered;
    const second = await exchange(der);
    hold.release();
    const answer = await first;
    assert.equal(answer.bodyType, 'ip');
    assert.equal(decodeCertRepMessage(answer.der, answer.body)[0].status, 'accepted');
    assert.ok(errorOf(second).failInfo!.includes('transactionIdInUse'));
    assert.equal(authority.issued.length, issued + 1);
    // it ended with the answer: the same id may be used again
    const again = await exchange(ir(tid, undefined, undefined, [{ type: OID.itImplicitConfirm, value: nullValue() }]));
    assert.equal(decodeCertRepMessage(again.der, again.body)[0].status, 'accepted');
  });

  it('fail certConf from another requester (notAuthorized) or with a wrong hash (badCertId); the right one is accepted', async () => {
    const tid = randomBytes(16);
    const ip = await exchange(ir(tid));
    const [issued] = decodeCertRepMessage(ip.der, ip.body);
    const hash = expectedCertHash(issued.certificate!)!;
    const other = pki.birthCertificate('SN0201');
    const stranger = buildClientMessage({ signer: other.signer, certificate: other.certificate }, { bodyType: 'certConf', transactionId: tid, body: buildCertConf(hash, 0) });
    assert.ok(errorOf(await exchange(stranger)).failInfo!.includes('notAuthorized'));
    const wrongHash = buildClientMessage(device, { bodyType: 'certConf', transactionId: tid, body: buildCertConf(Buffer.alloc(32), 0) });
    assert.ok(errorOf(await exchange(wrongHash)).failInfo!.includes('badCertId'));
    const before = authority.confirmations.length;
    const good = buildClientMessage(device, { bodyType: 'certConf', transactionId: tid, body: buildCertConf(hash, 0) });
    assert.equal((await exchange(good)).bodyType, 'pkiconf');
    assert.deepEqual(authority.confirmations.slice(before).map((c) => c.accepted), [true]);
    // the transaction is over: a second certConf has nothing to confirm
    assert.ok(errorOf(await exchange(good)).failInfo!.includes('badRequest'));
  });

  it('ok implicit confirmation requested but refused by configuration is not granted', async () => {
    const strict = await startCmpNode(authority, files.path('strict.db'), { grantImplicitConfirm: false });
    try {
      const der = ir(randomBytes(16), undefined, undefined, [{ type: OID.itImplicitConfirm, value: nullValue() }]);
      const res = await post(der, 'application/pkixcmp', '/cmp', strict.port);
      assert.equal(res.status, 200);
      const answer = decodePkiMessage(res.body);
      assert.equal(answer.header.generalInfo.length, 0);
      assert.equal(decodeCertRepMessage(answer.der, answer.body)[0].status, 'accepted');
    } finally {
      await strict.close();
    }
  });

  it('fail pollReq without a pending transaction, and an unsupported body type: error badRequest', async () => {
    const poll = buildClientMessage(device, { bodyType: 'pollReq', transactionId: randomBytes(16), body: buildPollReq(0) });
    assert.ok(errorOf(await exchange(poll)).failInfo!.includes('badRequest'));
    const krr = buildClientMessage(device, { bodyType: 'krr', transactionId: randomBytes(16), body: Buffer.from('3000', 'hex') });
    assert.ok(errorOf(await exchange(krr)).failInfo!.includes('badRequest'));
  });

  it('fail rr for a certificate central cannot find: rp rejection badCertId', async () => {
    const { sequence, contextConstructed, contextPrimitive } = await import('../../../../src/pki/der/der-writer.js');
    const template = sequence(contextPrimitive(1, Buffer.from([0x42])), contextConstructed(3, pki.operationalCa.subject));
    const rr = buildClientMessage(device, { bodyType: 'rr', transactionId: randomBytes(16), body: sequence(sequence(template)) });
    const answer = await exchange(rr);
    assert.equal(answer.bodyType, 'rp');
    const [status] = decodeRevRepContent(answer.der, answer.body);
    assert.equal(status.status, 'rejection');
    assert.deepEqual(status.failInfo, ['badCertId']);
  });
});
