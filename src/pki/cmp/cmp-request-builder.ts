import { randomBytes } from 'node:crypto';
import { bitString, contextConstructed, octetString, sequence } from '../der/der-writer.js';
import { signatureAlgorithmFor } from '../algorithm-identifier.js';
import { readCertificate } from '../certificate-reader.js';
import type { Signer } from '../signer.js';
import { encodeSignedInteger } from './cmp-integer.js';
import type { PkiBodyType } from './pki-body.js';
import { directoryName, NULL_DN, type InfoTypeAndValue } from './pki-header.js';
import { encodeProtectedMessage } from './pki-message.js';
import { encodePkiStatusInfo, type PkiStatusInfo } from './pki-status.js';

/**
 * The client side of the Lightweight CMP profile, as far as a device (or a test) needs it:
 * CRMF requests with a signature POP, certConf and pollReq, protected with the device's
 * certificate. Real devices may use `openssl cmp`; this builder drives the server where a
 * client must misbehave on purpose.
 */

export interface CrmfRequestFields {
  certReqId?: number;
  subject?: Buffer;
  /** DER SubjectPublicKeyInfo of the key to certify */
  spki: Uint8Array;
  /** signs the POP; a different key than `spki` makes a bad POP on purpose */
  popSigner: Signer;
}

/** CertReqMessages with one CertReqMsg and a signature POP over the DER of CertRequest (RFC 4211 §4.1). */
export function buildCertReqMessages(f: CrmfRequestFields): Buffer {
  const template: Buffer[] = [];
  if (f.subject) template.push(contextConstructed(5, f.subject));
  const spki = Buffer.from(f.spki);
  spki[0] = 0xa6; // publicKey [6] IMPLICIT SubjectPublicKeyInfo
  template.push(spki);
  const certRequest = sequence(encodeSignedInteger(f.certReqId ?? 0), sequence(...template));
  const popo = contextConstructed(1, signatureAlgorithmFor(f.popSigner.algorithm), bitString(f.popSigner.sign(certRequest)));
  return sequence(sequence(certRequest, popo));
}

/** CertConfirmContent with one CertStatus; `status` absent means accepted. */
export function buildCertConf(certHash: Uint8Array, certReqId: number, status?: PkiStatusInfo): Buffer {
  const parts = [octetString(certHash), encodeSignedInteger(certReqId)];
  if (status) parts.push(encodePkiStatusInfo(status));
  return sequence(sequence(...parts));
}

export const buildPollReq = (certReqId: number): Buffer => sequence(sequence(encodeSignedInteger(certReqId)));

export interface ClientCredentials {
  signer: Signer;
  certificate: Buffer;
  chain?: Buffer[];
}

export interface ClientMessageFields {
  bodyType: PkiBodyType;
  body: Buffer;
  transactionId: Buffer;
  senderNonce?: Buffer;
  recipNonce?: Buffer;
  generalInfo?: InfoTypeAndValue[];
}

/** A request PKIMessage signed with the client's key, its certificate first in extraCerts. */
export function buildClientMessage(client: ClientCredentials, f: ClientMessageFields): Buffer {
  const cert = readCertificate(client.certificate);
  return encodeProtectedMessage(
    {
      header: {
        pvno: 2,
        sender: directoryName(cert.subject),
        recipient: NULL_DN,
        messageTime: new Date(),
        senderKid: cert.subjectKeyIdentifier ?? undefined,
        transactionId: f.transactionId,
        senderNonce: f.senderNonce ?? randomBytes(16),
        recipNonce: f.recipNonce,
        generalInfo: f.generalInfo,
      },
      bodyType: f.bodyType,
      body: f.body,
      extraCerts: [client.certificate, ...(client.chain ?? [])],
    },
    client.signer,
  );
}
