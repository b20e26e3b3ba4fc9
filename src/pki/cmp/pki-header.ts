import { DerError, children, contentOf, decodeOid, encodingOf, expectTag, type Tlv } from '../der/der-reader.js';
import { TAG, contextConstructed, nullValue, octetString, oid, sequence, smallInteger } from '../der/der-writer.js';
import { decodeTime, generalizedTime } from '../der/der-time.js';
import { decodeSmallInteger } from './cmp-integer.js';
import { decodeFreeText, encodeFreeText } from './pki-status.js';

/** InfoTypeAndValue (RFC 4210 §5.3.19): the value is kept as its DER encoding. */
export interface InfoTypeAndValue {
  type: string;
  value?: Buffer;
}

/** PKIHeader (RFC 4210 §5.1.1); the CMP module uses EXPLICIT tags, so each [n] wraps a full TLV. */
export interface PkiHeader {
  pvno: number;
  /** the whole GeneralName TLV */
  sender: Buffer;
  /** the Name inside sender when it is a directoryName [4] */
  senderName: Buffer | null;
  recipient: Buffer;
  messageTime?: Date;
  /** AlgorithmIdentifier DER */
  protectionAlg?: Buffer;
  protectionAlgOid?: string;
  senderKid?: Buffer;
  recipKid?: Buffer;
  transactionId?: Buffer;
  senderNonce?: Buffer;
  recipNonce?: Buffer;
  freeText?: string;
  generalInfo: InfoTypeAndValue[];
}

/** GeneralName directoryName [4] Name: a CHOICE, so the tag is always explicit (RFC 5280 §4.2.1.6). */
export const directoryName = (name: Uint8Array): Buffer => contextConstructed(4, name);
/** RFC 4210 §5.1.1: "NULL-DN" for a sender or recipient that is not known. */
export const NULL_DN = directoryName(sequence());

export function decodeInfoTypeAndValue(buf: Uint8Array, t: Tlv): InfoTypeAndValue {
  const [typeTlv, valueTlv, extra] = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'InfoTypeAndValue'));
  if (!typeTlv || extra) throw new DerError('InfoTypeAndValue: bad field count');
  const type = decodeOid(contentOf(buf, expectTag(buf, typeTlv, TAG.OID, 'infoType')));
  return valueTlv ? { type, value: Buffer.from(encodingOf(buf, valueTlv)) } : { type };
}

export const encodeInfoTypeAndValue = (itav: InfoTypeAndValue): Buffer =>
  itav.value ? sequence(oid(itav.type), itav.value) : sequence(oid(itav.type));

/** The implicitConfirm ITAV (RFC 4210 §5.1.1.1): infoValue NULL. */
export const implicitConfirmItav = (type: string): InfoTypeAndValue => ({ type, value: nullValue() });

function explicitOctets(buf: Uint8Array, t: Tlv, what: string): Buffer {
  const [inner, extra] = children(buf, t);
  if (!inner || extra) throw new DerError(`${what}: expected one OCTET STRING`);
  return Buffer.from(contentOf(buf, expectTag(buf, inner, TAG.OCTET_STRING, what)));
}

function single(buf: Uint8Array, t: Tlv, what: string): Tlv {
  const [inner, extra] = children(buf, t);
  if (!inner || extra) throw new DerError(`${what}: expected one value`);
  return inner;
}

export function decodeHeader(buf: Uint8Array, t: Tlv): PkiHeader {
  const fields = children(buf, expectTag(buf, t, TAG.SEQUENCE, 'PKIHeader'));
  const [pvnoTlv, senderTlv, recipientTlv, ...optional] = fields;
  if (!pvnoTlv || !senderTlv || !recipientTlv) throw new DerError('PKIHeader: missing pvno, sender or recipient');
  if ((senderTlv.tag & 0xc0) !== 0x80 || (recipientTlv.tag & 0xc0) !== 0x80) throw new DerError('PKIHeader: sender/recipient must be a GeneralName');
  const header: PkiHeader = {
    pvno: decodeSmallInteger(buf, pvnoTlv, 'pvno'),
    sender: Buffer.from(encodingOf(buf, senderTlv)),
    senderName: senderTlv.tag === 0xa4 ? Buffer.from(encodingOf(buf, expectTag(buf, single(buf, senderTlv, 'sender'), TAG.SEQUENCE, 'sender Name'))) : null,
    recipient: Buffer.from(encodingOf(buf, recipientTlv)),
    generalInfo: [],
  };
  let last = -1;
  for (const f of optional) {
    const n = f.tag - 0xa0;
    if (n < 0 || n > 8 || n <= last) throw new DerError(`PKIHeader: unexpected field tag 0x${f.tag.toString(16)}`);
    last = n;
    switch (n) {
      case 0: {
        const time = expectTag(buf, single(buf, f, 'messageTime'), TAG.GENERALIZED_TIME, 'messageTime');
        // GeneralizedTime may carry fractions of a second (X.690 §11.7); they do not matter here
        const text = Buffer.from(contentOf(buf, time)).toString('latin1').replace(/\.\d+Z$/, 'Z');
        header.messageTime = decodeTime(TAG.GENERALIZED_TIME, Buffer.from(text, 'latin1'));
        break;
      }
      case 1: {
        const alg = expectTag(buf, single(buf, f, 'protectionAlg'), TAG.SEQUENCE, 'protectionAlg');
        const [algOid] = children(buf, alg);
        if (!algOid) throw new DerError('protectionAlg: empty AlgorithmIdentifier');
        header.protectionAlg = Buffer.from(encodingOf(buf, alg));
        header.protectionAlgOid = decodeOid(contentOf(buf, expectTag(buf, algOid, TAG.OID, 'protectionAlg OID')));
        break;
      }
      case 2:
        header.senderKid = explicitOctets(buf, f, 'senderKID');
        break;
      case 3:
        header.recipKid = explicitOctets(buf, f, 'recipKID');
        break;
      case 4:
        header.transactionId = explicitOctets(buf, f, 'transactionID');
        break;
      case 5:
        header.senderNonce = explicitOctets(buf, f, 'senderNonce');
        break;
      case 6:
        header.recipNonce = explicitOctets(buf, f, 'recipNonce');
        break;
      case 7:
        header.freeText = decodeFreeText(buf, single(buf, f, 'freeText'));
        break;
      case 8: {
        const list = expectTag(buf, single(buf, f, 'generalInfo'), TAG.SEQUENCE, 'generalInfo');
        header.generalInfo = children(buf, list).map((i) => decodeInfoTypeAndValue(buf, i));
        break;
      }
    }
  }
  return header;
}

export interface OutgoingHeader {
  pvno: number;
  sender: Buffer;
  recipient: Buffer;
  messageTime?: Date;
  protectionAlg?: Buffer;
  senderKid?: Buffer;
  transactionId?: Buffer;
  senderNonce?: Buffer;
  recipNonce?: Buffer;
  freeText?: string;
  generalInfo?: InfoTypeAndValue[];
}

export function encodeHeader(h: OutgoingHeader): Buffer {
  const parts: Buffer[] = [smallInteger(h.pvno), h.sender, h.recipient];
  if (h.messageTime) parts.push(contextConstructed(0, generalizedTime(h.messageTime)));
  if (h.protectionAlg) parts.push(contextConstructed(1, h.protectionAlg));
  if (h.senderKid) parts.push(contextConstructed(2, octetString(h.senderKid)));
  if (h.transactionId) parts.push(contextConstructed(4, octetString(h.transactionId)));
  if (h.senderNonce) parts.push(contextConstructed(5, octetString(h.senderNonce)));
  if (h.recipNonce) parts.push(contextConstructed(6, octetString(h.recipNonce)));
  if (h.freeText) parts.push(contextConstructed(7, encodeFreeText(h.freeText)));
  if (h.generalInfo?.length) parts.push(contextConstructed(8, sequence(...h.generalInfo.map(encodeInfoTypeAndValue))));
  return sequence(...parts);
}
