import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encodeFailureInfo, decodePkiStatusInfo, encodePkiStatusInfo } from '../../../../src/pki/cmp/pki-status.js';
import { decodeSmallInteger, encodeSignedInteger } from '../../../../src/pki/cmp/cmp-integer.js';
import { readTopLevel } from '../../../../src/pki/der/der-reader.js';
import { TAG, contextConstructed, sequence, tlv } from '../../../../src/pki/der/der-writer.js';
import { NULL_DN, decodeHeader, encodeHeader } from '../../../../src/pki/cmp/pki-header.js';
import { decodePkiMessage } from '../../../../src/pki/cmp/pki-message.js';
import { verifySignatureProtection } from '../../../../src/pki/cmp/cmp-protection.js';
import { decodeCertReqMessages, verifyProofOfPossession } from '../../../../src/pki/cmp/crmf-request.js';
import { buildCertReqMessages, buildClientMessage } from '../../../../src/pki/cmp/cmp-request-builder.js';
import { CmpRejectedError } from '../../../../src/pki/cmp/cmp.errors.js';
import { encodeName } from '../../../../src/pki/name.js';
import { softwareSigner } from '../../../support/software-signer.js';
import { CmpTestPki } from './cmp-test-pki.js';

const rejectedWith = (bit: string) => (err: unknown) => {
  assert.ok(err instanceof CmpRejectedError, String(err));
  assert.ok((err.failInfo as string[]).includes(bit), `${err.failInfo.join(',')} lacks ${bit}: ${err.message}`);
  return true;
};

describe('CMP encodings', () => {
  it('ok PKIFailureInfo is a DER named BIT STRING without trailing zero bits', () => {
    assert.equal(encodeFailureInfo(['badAlg']).toString('hex'), '03020780');
    assert.equal(encodeFailureInfo(['badRequest']).toString('hex'), '03020520');
    assert.equal(encodeFailureInfo(['badPOP']).toString('hex'), '0303060040');
    assert.equal(encodeFailureInfo(['notAuthorized', 'badRequest']).toString('hex'), '030400200001');
    assert.equal(encodeFailureInfo([]).toString('hex'), '030100');
  });

  it('ok PKIStatusInfo round-trips with text and failure bits', () => {
    const info = { status: 'rejection' as const, text: 'device SN1 unknown', failInfo: ['notAuthorized' as const, 'signerNotTrusted' as const] };
    const der = encodePkiStatusInfo(info);
    const decoded = decodePkiStatusInfo(der, readTopLevel(der, 'PKIStatusInfo'));
    assert.deepEqual({ ...decoded, failInfo: [...decoded.failInfo!].sort() }, { ...info, failInfo: [...info.failInfo].sort() });
  });

  it('ok signed INTEGERs: certReqId -1 and values with a sign octet', () => {
    for (const [value, hex] of [[-1, '0201ff'], [0, '020100'], [128, '02020080'], [-129, '0202ff7f'], [65535, '020300ffff']] as const) {
      const der = encodeSignedInteger(value);
      assert.equal(der.toString('hex'), hex);
      assert.equal(decodeSmallInteger(der, readTopLevel(der, 'INTEGER'), 'x'), value);
    }
    const nonMinimal = Buffer.from('02020001', 'hex');
    assert.throws(() => decodeSmallInteger(nonMinimal, readTopLevel(nonMinimal, 'INTEGER'), 'x'), /non-minimal/);
  });

  it('ok a messageTime with fractions of a second is read', () => {
    const der = encodeHeader({ pvno: 2, sender: NULL_DN, recipient: NULL_DN });
    const withTime = sequence(der.subarray(2), contextConstructed(0, tlv(TAG.GENERALIZED_TIME, Buffer.from('20260102030405.25Z'))));
    assert.equal(decodeHeader(withTime, readTopLevel(withTime, 'PKIHeader')).messageTime?.toISOString(), '2026-01-02T03:04:05.000Z');
  });

  describe('requests built with the product client builder', () => {
    const pki = new CmpTestPki();
    const birth = pki.birthCertificate('SN0002');
    const ir = (popSigner = softwareSigner('ec-p256'), key = popSigner) =>
      decodePkiMessage(
        buildClientMessage(
          { signer: birth.signer, certificate: birth.certificate, chain: [pki.orderCa.certificate] },
          { bodyType: 'ir', transactionId: randomBytes(16), body: buildCertReqMessages({ subject: encodeName({ commonName: 'dev' }), spki: key.spki, popSigner }) },
        ),
      );

    for (const alg of ['ec-p256', 'ec-p384', 'ed25519', 'rsa-2048'] as const) {
      it(`ok ${alg}: protection and POP verify`, () => {
        const m = ir(softwareSigner(alg));
        assert.deepEqual(verifySignatureProtection(m), birth.certificate);
        verifyProofOfPossession(decodeCertReqMessages(m.der, m.body)[0]);
      });
    }

    it('fail POP signed by another key than the template key (badPOP), protection still good', () => {
      const m = ir(softwareSigner('ec-p256'), softwareSigner('ec-p256'));
      verifySignatureProtection(m);
      assert.throws(() => verifyProofOfPossession(decodeCertReqMessages(m.der, m.body)[0]), rejectedWith('badPOP'));
    });

    it('fail protection by a key that does not match the first extraCert (badMessageCheck)', () => {
      const other = softwareSigner('ec-p256');
      const m = decodePkiMessage(
        buildClientMessage(
          { signer: other, certificate: birth.certificate },
          { bodyType: 'genm', transactionId: randomBytes(16), body: Buffer.from('3000', 'hex') },
        ),
      );
      assert.throws(() => verifySignatureProtection(m), rejectedWith('badMessageCheck'));
    });

    it('fail protection algorithm that does not fit the key (badAlg)', () => {
      const rsa = pki.endEntity(pki.orderCa, { commonName: 'rsa-device' }, 'rsa-2048');
      const ecSigner = { ...softwareSigner('ec-p256'), spki: rsa.signer.spki }; // claims ECDSA over an RSA key
      const m = decodePkiMessage(
        buildClientMessage({ signer: ecSigner, certificate: rsa.certificate }, { bodyType: 'genm', transactionId: randomBytes(16), body: Buffer.from('3000', 'hex') }),
      );
      assert.throws(() => verifySignatureProtection(m), rejectedWith('badAlg'));
    });
  });
});
