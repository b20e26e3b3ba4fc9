import { DerError, children, contentOf, decodeOid, encodingOf, expectTag, type Tlv } from '../der/der-reader.js';
import type { SignatureVerifier } from '../signature-verifier.js';
import { TAG } from '../der/der-writer.js';
import { OID } from '../oids.js';
import { CmpRejectedError } from './cmp.errors.js';
import { decodeSmallInteger } from './cmp-integer.js';
import { algorithmOid, verifySignature } from './cmp-signature.js';

/** The fields of a CRMF CertTemplate (RFC 4211 §5) the server reads; IMPLICIT tags in that module. */
export interface CertTemplate {
  /** serialNumber [1] as lowercase hex without leading zeros */
  serialHex?: string;
  /** issuer [3] Name DER */
  issuer?: Buffer;
  /** subject [5] Name DER */
  subject?: Buffer;
  /** publicKey [6], re-tagged as a SubjectPublicKeyInfo SEQUENCE */
  publicKey?: Buffer;
}

export type ProofOfPossession =
  | { kind: 'signature'; algorithm: Buffer; signature: Buffer; hasPoposkInput: boolean }
  | { kind: 'raVerified' | 'keyEncipherment' | 'keyAgreement' };

export interface CertRequestMessage {
  certReqId: number;
  /** DER of CertRequest: what a signature POP signs when poposkInput is absent (RFC 4211 §4.1) */
  certRequest: Buffer;
  template: CertTemplate;
  /** id-regCtrl-oldCertID control (RFC 4211 §6.5), sent with kur */
  oldCertId?: { issuer: Buffer; serialHex: string };
  popo?: ProofOfPossession;
}

const hexOfInteger = (c: Uint8Array): string => Buffer.from(c).toString('hex').replace(/^(00)+(?=.)/, '');

function single(buf: Uint8Array, t: Tlv, what: string): Tlv {
  const [inner, extra] = children(buf, t);
  if (!inner || extra) throw new DerError(`${what}: expected one value`);
  return inner;
}

export function decodeCertTemplate(buf: Uint8Array, t: Tlv): CertTemplate {
  const template: CertTemplate = {};
  let last = -1;
  for (const f of children(buf, expectTag(buf, t, TAG.SEQUENCE, 'CertTemplate'))) {
    const n = f.tag & 0x1f;
    if ((f.tag & 0xc0) !== 0x80 || n > 9 || n <= last) throw new DerError(`CertTemplate: unexpected field tag 0x${f.tag.toString(16)}`);
    last = n;
    if (n === 1) template.serialHex = hexOfInteger(contentOf(buf, f));
    else if (n === 3) template.issuer = Buffer.from(encodingOf(buf, expectTag(buf, single(buf, f, 'issuer'), TAG.SEQUENCE, 'issuer Name')));
    else if (n === 5) template.subject = Buffer.from(encodingOf(buf, expectTag(buf, single(buf, f, 'subject'), TAG.SEQUENCE, 'subject Name')));
    else if (n === 6) {
      if (f.tag !== 0xa6) throw new DerError('publicKey: expected constructed [6]');
      const spki = Buffer.from(encodingOf(buf, f));
      spki[0] = TAG.SEQUENCE;
      template.publicKey = spki;
    }
  }
  return template;
}

function decodeOldCertId(buf: Uint8Array, controls: Tlv): CertRequestMessage['oldCertId'] {
  for (const atv of children(buf, expectTag(buf, controls, TAG.SEQUENCE, 'Controls'))) {
    const [typeTlv, valueTlv] = children(buf, expectTag(buf, atv, TAG.SEQUENCE, 'control'));
    if (!typeTlv || !valueTlv) throw new DerError('control: missing fields');
    if (decodeOid(contentOf(buf, expectTag(buf, typeTlv, TAG.OID, 'control type'))) !== OID.regCtrlOldCertId) continue;
    // CertId ::= SEQUENCE { issuer GeneralName, serialNumber INTEGER }
    const [issuer, serial] = children(buf, expectTag(buf, valueTlv, TAG.SEQUENCE, 'CertId'));
    if (!issuer || !serial) throw new DerError('CertId: missing fields');
    return { issuer: Buffer.from(encodingOf(buf, issuer)), serialHex: hexOfInteger(contentOf(buf, expectTag(buf, serial, TAG.INTEGER, 'CertId serial'))) };
  }
  return undefined;
}

function decodePopo(buf: Uint8Array, t: Tlv): ProofOfPossession {
  switch (t.tag) {
    case 0x80:
      return { kind: 'raVerified' };
    case 0xa1: {
      // POPOSigningKey ::= SEQUENCE { poposkInput [0] OPTIONAL, algorithmIdentifier, signature BIT STRING }
      const fields = children(buf, t);
      const hasPoposkInput = fields[0]?.tag === 0xa0;
      const [alg, sig] = fields.slice(hasPoposkInput ? 1 : 0);
      if (!alg || !sig) throw new DerError('POPOSigningKey: missing fields');
      const bits = contentOf(buf, expectTag(buf, sig, TAG.BIT_STRING, 'POP signature'));
      if (bits.length < 2 || bits[0] !== 0) throw new DerError('POP signature: bad BIT STRING');
      return {
        kind: 'signature',
        algorithm: Buffer.from(encodingOf(buf, expectTag(buf, alg, TAG.SEQUENCE, 'POP algorithm'))),
        signature: Buffer.from(bits.subarray(1)),
        hasPoposkInput,
      };
    }
    case 0xa2:
      return { kind: 'keyEncipherment' };
    case 0xa3:
      return { kind: 'keyAgreement' };
    default:
      throw new DerError(`ProofOfPossession: unknown tag 0x${t.tag.toString(16)}`);
  }
}

/** CertReqMessages ::= SEQUENCE SIZE (1..MAX) OF CertReqMsg (RFC 4211 §3). Throws DerError. */
export function decodeCertReqMessages(buf: Uint8Array, t: Tlv): CertRequestMessage[] {
  const msgs = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'CertReqMessages'));
  if (msgs.length === 0) throw new DerError('CertReqMessages: empty');
  return msgs.map((m) => {
    const [certReq, popo] = children(buf, expectTag(buf, m, TAG.SEQUENCE, 'CertReqMsg'));
    if (!certReq) throw new DerError('CertReqMsg: missing certReq');
    const [id, template, controls] = children(buf, expectTag(buf, certReq, TAG.SEQUENCE, 'CertRequest'));
    if (!id || !template) throw new DerError('CertRequest: missing fields');
    return {
      certReqId: decodeSmallInteger(buf, id, 'certReqId'),
      certRequest: Buffer.from(encodingOf(buf, certReq)),
      template: decodeCertTemplate(buf, template),
      oldCertId: controls ? decodeOldCertId(buf, controls) : undefined,
      popo: popo && popo.tag !== TAG.SEQUENCE ? decodePopo(buf, popo) : undefined,
    };
  });
}

/**
 * Proof of possession by signature (RFC 4211 §4.1, RFC 9483 §4.1.1): the key in the template
 * signs the DER of CertRequest. poposkInput is only for templates without subject/publicKey,
 * which the Lightweight profile does not use; other POP kinds are for RAs or encryption keys.
 * Throws CmpRejectedError(badPOP / badCertTemplate / badAlg).
 */
export function verifyProofOfPossession(request: CertRequestMessage, verifier?: SignatureVerifier): void {
  const spki = request.template.publicKey;
  if (!spki) throw new CmpRejectedError(['badCertTemplate'], 'the certificate template has no publicKey: central does not generate keys');
  const popo = request.popo;
  if (!popo) throw new CmpRejectedError(['badPOP'], 'no proof of possession of the requested key');
  if (popo.kind !== 'signature') throw new CmpRejectedError(['badPOP'], `proof of possession '${popo.kind}' is not accepted: sign the CertRequest with the new key`);
  if (popo.hasPoposkInput) throw new CmpRejectedError(['badPOP'], 'poposkInput is not accepted (RFC 9483 §4.1.1): put subject and publicKey in the template');
  let oid: string;
  try {
    oid = algorithmOid(popo.algorithm);
  } catch (err) {
    throw new CmpRejectedError(['badPOP', 'badDataFormat'], `POP algorithm: ${(err as Error).message}`);
  }
  if (!verifySignature(oid, spki, request.certRequest, popo.signature, verifier)) {
    throw new CmpRejectedError(['badPOP'], 'the proof-of-possession signature does not verify with the requested public key');
  }
}
