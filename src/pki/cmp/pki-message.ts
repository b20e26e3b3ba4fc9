import { DerError, children, contentOf, encodingOf, expectTag, readTlv, readTopLevel, type Tlv } from '../der/der-reader.js';
import { TAG, bitString, contextConstructed, sequence } from '../der/der-writer.js';
import type { Signer } from '../signer.js';
import { signatureAlgorithmFor } from '../algorithm-identifier.js';
import { CmpMalformedError } from './cmp.errors.js';
import { PKI_BODY_TYPES, bodyTagNumber, type PkiBodyType } from './pki-body.js';
import { decodeHeader, encodeHeader, type OutgoingHeader, type PkiHeader } from './pki-header.js';

/** Larger messages are refused before parsing (a CMP enrollment is a few KiB). */
export const MAX_PKI_MESSAGE_BYTES = 64 * 1024;

export interface PkiMessage {
  header: PkiHeader;
  bodyType: PkiBodyType;
  /** the DER buffer the offsets of `body` refer to */
  der: Buffer;
  /** the value inside the body's explicit [n] tag (e.g. CertReqMessages) */
  body: Tlv;
  /** DER of ProtectedPart ::= SEQUENCE { header, body } (RFC 4210 §5.1.3): what the protection signs */
  protectedPart: Buffer;
  /** PKIProtection BIT STRING content without the unused-bits octet */
  protection?: Buffer;
  /** extraCerts, DER each, in order */
  extraCerts: Buffer[];
}

/**
 * Decode a PKIMessage (RFC 4210 §5.1). Throws CmpMalformedError only; it carries the header
 * when the header was readable, so the caller can still answer within the transaction.
 */
export function decodePkiMessage(input: Uint8Array): PkiMessage {
  const der = Buffer.from(input);
  if (der.length > MAX_PKI_MESSAGE_BYTES) throw new CmpMalformedError(`PKIMessage of ${der.length} bytes exceeds ${MAX_PKI_MESSAGE_BYTES}`);
  let header: PkiHeader | null = null;
  try {
    // The header is read before the whole message is checked, so a message truncated in its
    // body can still be answered within its transaction.
    const outer = outerTlv(der);
    if (outer.tag !== TAG.SEQUENCE) throw new DerError('PKIMessage: not a SEQUENCE');
    const headerTlv = readTlv(der, outer.contentStart, Math.min(outer.end, der.length));
    header = decodeHeader(der, headerTlv);
    readTopLevel(der, 'PKIMessage');
    const [, bodyTlv, ...rest] = children(der, outer);
    if (!bodyTlv) throw new DerError('PKIMessage: missing body');
    const tagNumber = bodyTlv.tag - 0xa0;
    if (tagNumber < 0 || tagNumber >= PKI_BODY_TYPES.length) throw new DerError(`PKIBody: unknown tag 0x${bodyTlv.tag.toString(16)}`);
    const [inner, extraBody] = children(der, bodyTlv);
    if (!inner || extraBody) throw new DerError('PKIBody: expected one value');
    const message: PkiMessage = {
      header,
      bodyType: PKI_BODY_TYPES[tagNumber],
      der,
      body: inner,
      protectedPart: sequence(encodingOf(der, headerTlv), encodingOf(der, bodyTlv)),
      extraCerts: [],
    };
    let last = -1;
    for (const f of rest) {
      const n = f.tag - 0xa0;
      if ((n !== 0 && n !== 1) || n <= last) throw new DerError(`PKIMessage: unexpected field tag 0x${f.tag.toString(16)}`);
      last = n;
      const [value, extra] = children(der, f);
      if (!value || extra) throw new DerError('PKIMessage: bad optional field');
      if (n === 0) {
        const bits = contentOf(der, expectTag(der, value, TAG.BIT_STRING, 'protection'));
        if (bits.length < 2 || bits[0] !== 0) throw new DerError('protection: bad BIT STRING');
        message.protection = Buffer.from(bits.subarray(1));
      } else {
        const certs = children(der, expectTag(der, value, TAG.SEQUENCE, 'extraCerts'));
        if (certs.length === 0) throw new DerError('extraCerts: empty');
        message.extraCerts = certs.map((c) => Buffer.from(encodingOf(der, expectTag(der, c, TAG.SEQUENCE, 'extraCerts certificate'))));
      }
    }
    return message;
  } catch (err) {
    if (err instanceof DerError) throw new CmpMalformedError(`malformed PKIMessage: ${err.message}`, header);
    throw err;
  }
}

/** The PKIMessage TLV, its content allowed to be cut short so that the header can still be read. */
function outerTlv(der: Buffer): Tlv {
  const lengthBytes = der[1] & 0x80 ? der[1] & 0x7f : 0;
  if (der.length < 2 + lengthBytes) throw new DerError('truncated DER header');
  return readTlv(der, 0, Number.MAX_SAFE_INTEGER);
}

export interface OutgoingMessage {
  header: Omit<OutgoingHeader, 'protectionAlg'>;
  bodyType: PkiBodyType;
  /** DER of the body value (e.g. CertRepMessage) */
  body: Buffer;
  extraCerts?: Buffer[];
}

/** PKIBody alternative: the value under its EXPLICIT [n] tag. */
export const encodeBody = (type: PkiBodyType, value: Uint8Array): Buffer => contextConstructed(bodyTagNumber(type), value);

/**
 * Encode and sign a PKIMessage: protectionAlg from the signer's key, the signature over
 * ProtectedPart (RFC 4210 §5.1.3.3), extraCerts as given (the signer's certificate first,
 * RFC 9483 §3.3).
 */
export function encodeProtectedMessage(message: OutgoingMessage, signer: Signer): Buffer {
  const header = encodeHeader({ ...message.header, protectionAlg: signatureAlgorithmFor(signer.algorithm) });
  const body = encodeBody(message.bodyType, message.body);
  const signature = signer.sign(sequence(header, body));
  const parts = [header, body, contextConstructed(0, bitString(signature))];
  if (message.extraCerts?.length) parts.push(contextConstructed(1, sequence(...message.extraCerts)));
  return sequence(...parts);
}
