import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import type { RequesterCredentials } from '../enrollment-authority.port.js';

/** EST bodies are small (a CSR); anything bigger is refused before it is read (RFC 7030 §4.2.1). */
export const MAX_EST_BODY = 16 * 1024;

export class BodyTooLargeError extends Error {}

/** Read the raw request body (EST sends base64 text with Content-Type application/pkcs10). */
export function readRawBody(req: IncomingMessage, limit = MAX_EST_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLargeError(`body of ${declared} bytes exceeds ${limit}`));
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`body exceeds ${limit} bytes`));
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/**
 * EST payloads are base64 of DER (RFC 7030 §4.2.1, "Content-Transfer-Encoding: base64"). Line
 * breaks are allowed; anything that is not base64 is refused rather than decoded leniently.
 */
export function decodeBase64Body(body: Buffer): Buffer | null {
  const text = body.toString('ascii').replace(/[\r\n\t ]/g, '');
  if (!text || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text, 'base64');
}

/** The TLS client certificate and the chain the client sent with it, or null when there is none. */
export function tlsClientCredentials(req: IncomingMessage): RequesterCredentials | null {
  const socket = req.socket as TLSSocket;
  if (!socket.encrypted || typeof socket.getPeerX509Certificate !== 'function') return null;
  // getPeerX509Certificate is much cheaper than getPeerCertificate(true), which builds a
  // JavaScript object for every certificate of the chain
  const leaf = socket.getPeerX509Certificate();
  if (!leaf) return null;
  const certificate = leaf.raw;
  let extra: Buffer[] | undefined;
  // the chain is read when asked for: a birth certificate is judged against the Order CA on record
  return {
    certificate,
    get extraCertificates() {
      return (extra ??= chainAfter(leaf, certificate));
    },
  };
}

function chainAfter(leaf: X509Certificate, leafDer: Buffer): Buffer[] {
  const extra: Buffer[] = [];
  let cur: X509Certificate | undefined = leaf.issuerCertificate;
  while (cur && extra.length < 8 && !cur.raw.equals(leafDer)) {
    extra.push(cur.raw);
    if (cur.issuerCertificate?.raw.equals(cur.raw)) break;
    cur = cur.issuerCertificate;
  }
  return extra;
}

export const isTls = (req: IncomingMessage): boolean => Boolean((req.socket as TLSSocket).encrypted);
