import { OID } from './oids.js';
import type { Signer } from './signer.js';
import { signatureAlgorithmFor } from './algorithm-identifier.js';
import { authorityKeyIdentifier, extension } from './extensions.js';
import { bitString, contextConstructed, sequence, smallInteger, time, tlv, unsignedInteger } from './der/der-writer.js';

/**
 * CRLReason (RFC 5280 §5.3.1): unspecified 0, keyCompromise 1, cACompromise 2, affiliationChanged 3,
 * superseded 4, cessationOfOperation 5, certificateHold 6, removeFromCRL 8, privilegeWithdrawn 9,
 * aACompromise 10 (7 is not used).
 */
export type CrlReasonCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 8 | 9 | 10;

export interface CrlEntry {
  /** serial as hex (any case, leading zeros allowed) */
  serialHex: string;
  revokedAt: Date;
  reason: CrlReasonCode;
}

/** The CA a CRL is issued by (RFC 5280 §5: the CA itself signs, with cRLSign in its keyUsage). */
export interface CrlIssuer {
  /** DER subject Name of the CA certificate, copied byte for byte into the CRL's issuer */
  subject: Uint8Array;
  keyIdentifier: Uint8Array;
  signer: Signer;
}

export interface CrlFields {
  issuer: CrlIssuer;
  thisUpdate: Date;
  nextUpdate: Date;
  /** cRLNumber: monotonically increasing for this CA (RFC 5280 §5.2.3), at most 20 octets */
  crlNumber: bigint;
  entries: CrlEntry[];
}

const V2 = smallInteger(1);
const MAX_CRL_NUMBER = (1n << 159n) - 1n;

function serialMagnitude(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{1,40}$/.test(hex)) throw new RangeError(`bad certificate serial ${JSON.stringify(hex)}`);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/**
 * revokedCertificates entry: SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions OPTIONAL }.
 * reasonCode is left out for `unspecified` (RFC 5280 §5.3.1: "SHOULD be absent instead of using
 * the unspecified (0) reasonCode value"); removeFromCRL only belongs in delta CRLs.
 */
function revokedEntry(e: CrlEntry): Buffer {
  if (e.reason === 8) throw new RangeError('removeFromCRL is only for delta CRLs (RFC 5280 §5.3.1)');
  const fields = [unsignedInteger(serialMagnitude(e.serialHex)), time(e.revokedAt)];
  if (e.reason !== 0) fields.push(sequence(extension(OID.cRLReason, false, tlv(0x0a, Buffer.from([e.reason])))));
  return sequence(...fields);
}

/**
 * A v2 CRL (RFC 5280 §5.1):
 *   TBSCertList ::= SEQUENCE { version v2, signature, issuer, thisUpdate, nextUpdate,
 *     revokedCertificates SEQUENCE OF ... OPTIONAL (absent when empty, §5.1.2.6),
 *     crlExtensions [0] EXPLICIT Extensions }  — authorityKeyIdentifier and cRLNumber (§5.2.1, §5.2.3), non-critical.
 * Entries are sorted by serial so the same state always encodes the same way.
 */
export function buildCrl(f: CrlFields): Buffer {
  if (f.crlNumber < 0n || f.crlNumber > MAX_CRL_NUMBER) throw new RangeError('cRLNumber must be 0..2^159-1 (RFC 5280 §5.2.3)');
  if (f.nextUpdate <= f.thisUpdate) throw new RangeError('nextUpdate must be later than thisUpdate');
  const signer = f.issuer.signer;
  const entries = f.entries
    .map((e) => ({ value: BigInt(`0x${serialMagnitude(e.serialHex).toString('hex')}`), der: revokedEntry(e) }))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .map((e) => e.der);
  const extensions = contextConstructed(
    0,
    sequence(authorityKeyIdentifier(f.issuer.keyIdentifier), extension(OID.cRLNumber, false, smallInteger(f.crlNumber))),
  );
  const tbs = sequence(
    V2,
    signatureAlgorithmFor(signer.algorithm),
    Buffer.from(f.issuer.subject),
    time(f.thisUpdate),
    time(f.nextUpdate),
    ...(entries.length ? [sequence(...entries)] : []),
    extensions,
  );
  return sequence(tbs, signatureAlgorithmFor(signer.algorithm), bitString(signer.sign(tbs)));
}
