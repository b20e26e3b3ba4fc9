import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from '../../../src/pki/oids.js';
import { readCertificate } from '../../../src/pki/certificate-reader.js';
import { keyIdentifierOf } from '../../../src/pki/spki.js';
import { contextConstructed, octetString, oid, sequence, smallInteger, tlv, booleanTrue } from '../../../src/pki/der/der-writer.js';
import {
  buildOcspResponse,
  ocspErrorResponse,
  parseOcspRequest,
  OcspIssuerMatcher,
  OcspMalformedRequestError,
  MAX_OCSP_REQUEST_BYTES,
  type OcspCertStatus,
} from '../../../src/pki/ocsp.js';
import { DAY, T0, at, hierarchy, openssl, scratch } from './ocsp-fixtures.js';

const h = hierarchy();
const dev = h.device('dev-1');
const dev2 = h.device('dev-2');
const other = hierarchy();
const dir = scratch({}, {
  'ca.pem': [h.ca.certificate],
  'root.pem': [h.root.certificate],
  'dev.pem': [dev],
  'dev2.pem': [dev2],
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A request made by openssl itself, the client the responder must serve (interop.md). */
function opensslRequest(...args: string[]): Buffer {
  const r = openssl(['ocsp', '-issuer', 'ca.pem', ...args, '-reqout', 'req.der'], dir);
  assert.equal(r.status, 0, r.out);
  return readFileSync(join(dir, 'req.der'));
}
const serialOf = (cert: Uint8Array): bigint => BigInt(`0x${readCertificate(cert).serialHex}`);

describe('OCSP request (RFC 6960 §4.1)', () => {
  it('ok an openssl request: SHA-1 CertID, the serial, our issuer, and a nonce as an OCTET STRING inside the extnValue', () => {
    const req = parseOcspRequest(opensslRequest('-cert', 'dev.pem'));
    assert.equal(req.certIds.length, 1);
    const [id] = req.certIds;
    assert.equal(id.hashAlgorithm, OID.sha1);
    assert.equal(id.serial, serialOf(dev));
    assert.ok(new OcspIssuerMatcher(h.ca.certificate).matches(id));
    assert.ok(!new OcspIssuerMatcher(other.ca.certificate).matches(id));
    assert.ok(!new OcspIssuerMatcher(h.root.certificate).matches(id));
    assert.ok(req.nonce);
    assert.equal(req.nonce[0], 0x04, 'openssl wraps its nonce in an OCTET STRING');
    assert.equal(req.nonce.length, 2 + 16);
  });

  it('ok -sha256, two certificates, no nonce', () => {
    const req = parseOcspRequest(opensslRequest('-sha256', '-cert', 'dev.pem', '-cert', 'dev2.pem', '-no_nonce'));
    assert.deepEqual(req.certIds.map((c) => c.hashAlgorithm), [OID.sha256, OID.sha256]);
    assert.deepEqual(req.certIds.map((c) => c.serial), [serialOf(dev), serialOf(dev2)]);
    assert.ok(req.certIds.every((c) => new OcspIssuerMatcher(h.ca.certificate).matches(c)));
    assert.equal(req.nonce, null);
  });

  it('ok a raw nonce (not wrapped) and an explicit v1 version are accepted', () => {
    const certId = parseOcspRequest(opensslRequest('-cert', 'dev.pem', '-no_nonce')).certIds[0].der;
    const nonce = Buffer.alloc(20, 7);
    const der = sequence(sequence(contextConstructed(0, smallInteger(0)), sequence(sequence(certId)), contextConstructed(2, sequence(sequence(oid(OID.ocspNonce), octetString(nonce))))));
    assert.deepEqual(parseOcspRequest(der).nonce, nonce);
  });

  const certId = () => parseOcspRequest(opensslRequest('-cert', 'dev.pem', '-no_nonce')).certIds[0].der;
  const nonceExt = (value: Buffer, critical = false) =>
    contextConstructed(2, sequence(sequence(oid(OID.ocspNonce), ...(critical ? [booleanTrue()] : []), octetString(value))));
  const cases: Array<[string, () => Uint8Array]> = [
    ['empty body', () => Buffer.alloc(0)],
    ['garbage', () => Buffer.from('GET / HTTP/1.1\r\n\r\n')],
    ['truncated', () => opensslRequest('-cert', 'dev.pem').subarray(0, 40)],
    ['trailing bytes', () => Buffer.concat([opensslRequest('-cert', 'dev.pem'), Buffer.from([0])])],
    ['a certificate instead of a request', () => dev],
    ['empty requestList', () => sequence(sequence(sequence()))],
    ['version v2', () => sequence(sequence(contextConstructed(0, smallInteger(1)), sequence(sequence(certId()))))],
    ['CertID with three fields', () => sequence(sequence(sequence(sequence(sequence(sequence(oid(OID.sha1)), octetString(Buffer.alloc(20)), octetString(Buffer.alloc(20)))))))],
    ['empty serial', () => sequence(sequence(sequence(sequence(sequence(sequence(oid(OID.sha1)), octetString(Buffer.alloc(20)), octetString(Buffer.alloc(20)), tlv(0x02, Buffer.alloc(0)))))))],
    ['nonce of 33 octets', () => sequence(sequence(sequence(sequence(certId())), nonceExt(octetString(Buffer.alloc(33, 1)))))],
    ['empty nonce', () => sequence(sequence(sequence(sequence(certId())), nonceExt(Buffer.alloc(0))))],
    ['unknown critical extension', () => {
      const ext = sequence(oid('1.2.3.4'), booleanTrue(), octetString(Buffer.alloc(1)));
      return sequence(sequence(sequence(sequence(certId())), contextConstructed(2, sequence(ext))));
    }],
    ['the same extension twice', () => {
      const ext = sequence(oid(OID.ocspNonce), octetString(octetString(Buffer.alloc(8, 1))));
      return sequence(sequence(sequence(sequence(certId())), contextConstructed(2, sequence(ext, ext))));
    }],
    ['33 CertIDs', () => sequence(sequence(sequence(...Array.from({ length: 33 }, () => sequence(certId())))))],
    ['over the size limit', () => Buffer.alloc(MAX_OCSP_REQUEST_BYTES + 1, 0x30)],
  ];
  for (const [name, make] of cases) {
    it(`fail ${name} is a malformed request`, () => {
      assert.throws(() => parseOcspRequest(make()), (e: unknown) => e instanceof OcspMalformedRequestError && e.message.length > 10);
    });
  }
});

const pkijsCert = (der: Uint8Array) => new pkijs.Certificate({ schema: asn1js.fromBER(new Uint8Array(der)).result });

/** The response parsed back by PKI.js, an implementation independent of the product's DER writer. */
function pkijsBasic(der: Buffer): pkijs.BasicOCSPResponse {
  const resp = new pkijs.OCSPResponse({ schema: asn1js.fromBER(new Uint8Array(der)).result });
  assert.equal(resp.responseStatus.valueBlock.valueDec, 0);
  assert.equal(resp.responseBytes!.responseType, OID.ocspBasic);
  return new pkijs.BasicOCSPResponse({ schema: asn1js.fromBER(resp.responseBytes!.response.valueBlock.valueHexView).result });
}

describe('OCSP response (RFC 6960 §4.2)', () => {
  const respond = (request: Buffer, statuses: OcspCertStatus[]) => {
    const req = parseOcspRequest(request);
    return buildOcspResponse({
      responder: h.responder,
      producedAt: T0,
      answers: req.certIds.map((certId, i) => ({ certId, status: statuses[i], thisUpdate: T0, nextUpdate: at(DAY / 24) })),
      nonce: req.nonce,
    });
  };

  it('ok good, revoked and unknown in one response, byKey responder id, nonce echoed, responder certificate included', async () => {
    const request = opensslRequest('-cert', 'dev.pem', '-cert', 'dev2.pem');
    const revokedAt = at(-DAY);
    const der = respond(request, [{ state: 'good' }, { state: 'revoked', revokedAt, reason: 1 }]);
    const basic = pkijsBasic(der);
    const data = basic.tbsResponseData;
    assert.ok(data.responderID instanceof asn1js.OctetString, 'responderID byKey');
    assert.deepEqual(Buffer.from(data.responderID.valueBlock.valueHexView), keyIdentifierOf(h.responder.signer.spki));
    assert.equal(data.producedAt.getTime(), T0.getTime());
    assert.equal(data.responses.length, 2);
    const [good, revoked] = data.responses;
    assert.equal(good.certStatus.idBlock.tagNumber, 0);
    assert.equal(revoked.certStatus.idBlock.tagNumber, 1);
    assert.equal(good.thisUpdate.getTime(), T0.getTime());
    assert.equal(good.nextUpdate!.getTime(), at(DAY / 24).getTime());
    assert.equal(Buffer.from(good.certID.serialNumber.valueBlock.valueHexView).toString('hex'), readCertificate(dev).serialHex);
    const nonce = data.responseExtensions!.find((e) => e.extnID === OID.ocspNonce)!;
    assert.deepEqual(Buffer.from(nonce.extnValue.valueBlock.valueHexView), parseOcspRequest(request).nonce);
    assert.equal(basic.certs!.length, 1);
    assert.deepEqual(Buffer.from(basic.certs![0].toSchema().toBER()), h.responder.certificate);
    // PKI.js checks the signature, the responder's chain to the root and its authority (EKU, issued by the CA)
    assert.equal(await basic.verify({ trustedCerts: [pkijsCert(h.root.certificate)], issuerCerts: [pkijsCert(h.ca.certificate)] }), true);
    await assert.rejects(basic.verify({ trustedCerts: [pkijsCert(other.root.certificate)] }));
  });

  it('ok openssl verifies the response through the delegated responder and reads each status', () => {
    const request = opensslRequest('-cert', 'dev.pem', '-cert', 'dev2.pem', '-no_nonce');
    writeFileSync(join(dir, 'resp.der'), respond(request, [{ state: 'revoked', revokedAt: at(-DAY), reason: 4 }, { state: 'unknown' }]));
    const r = openssl(['ocsp', '-respin', 'resp.der', '-issuer', 'ca.pem', '-cert', 'dev.pem', '-cert', 'dev2.pem', '-CAfile', 'root.pem', '-no_nonce', '-resp_text'], dir);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Response verify OK/);
    assert.match(r.out, /dev\.pem: revoked/);
    assert.match(r.out, /Reason: superseded/);
    assert.match(r.out, /dev2\.pem: unknown/);
    assert.match(r.out, /Responder Id: [0-9A-F]{40}/);
    assert.match(r.out, /OCSP No Check/);
  });

  it('ok an unspecified revocation carries no reason; a SHA-256 CertID is echoed as asked', () => {
    const request = opensslRequest('-sha256', '-cert', 'dev.pem', '-no_nonce');
    writeFileSync(join(dir, 'resp.der'), respond(request, [{ state: 'revoked', revokedAt: at(-DAY), reason: 0 }]));
    const r = openssl(['ocsp', '-respin', 'resp.der', '-issuer', 'ca.pem', '-sha256', '-cert', 'dev.pem', '-CAfile', 'root.pem', '-no_nonce', '-resp_text'], dir);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /dev\.pem: revoked/);
    assert.doesNotMatch(r.out, /Reason:/);
    assert.match(r.out, /Hash Algorithm: sha256/);
  });

  it('fail a response signed by a key that is not the responder certificate\'s is refused by openssl', () => {
    const request = opensslRequest('-cert', 'dev.pem', '-no_nonce');
    const req = parseOcspRequest(request);
    const forged = buildOcspResponse({
      responder: { signer: other.responder.signer, certificate: h.responder.certificate },
      producedAt: T0,
      answers: [{ certId: req.certIds[0], status: { state: 'good' }, thisUpdate: T0, nextUpdate: null }],
      nonce: null,
    });
    writeFileSync(join(dir, 'resp.der'), forged);
    const r = openssl(['ocsp', '-respin', 'resp.der', '-issuer', 'ca.pem', '-cert', 'dev.pem', '-CAfile', 'root.pem', '-no_nonce'], dir);
    assert.match(r.out, /Response Verify Failure/i);
  });

  it('ok error responses are a bare status (RFC 6960 §4.2.1) that openssl reads', () => {
    assert.deepEqual(ocspErrorResponse('malformedRequest'), Buffer.from('30030a0101', 'hex'));
    assert.deepEqual(ocspErrorResponse('internalError'), Buffer.from('30030a0102', 'hex'));
    assert.deepEqual(ocspErrorResponse('unauthorized'), Buffer.from('30030a0106', 'hex'));
    writeFileSync(join(dir, 'err.der'), ocspErrorResponse('unauthorized'));
    const r = openssl(['ocsp', '-respin', 'err.der', '-resp_text', '-noverify'], dir);
    assert.match(r.out, /Responder Error: unauthorized \(6\)/);
  });
});
