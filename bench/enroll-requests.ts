/**
 * The field enrollments the enrollment benchmarks send: for each provisioned device, an EST
 * simpleenroll (birth certificate as TLS client certificate, a CSR for a new key) or a CMP `ir`
 * (protected by the birth key with its chain in extraCerts, POP by the new key, implicit confirm
 * asked for: RFC 9483 §4.1.1), built before the timed part so the load generator only sends.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { deviceFiles } from '../src/demo/field-clients.js';
import { provisionAll, startLine, type RunningLine } from '../src/demo/line.js';
import { httpJson, waitUntil } from '../src/demo/processes.js';
import { buildCsr } from '../src/pki/csr-builder.js';
import { buildCertReqMessages, buildClientMessage } from '../src/pki/cmp/cmp-request-builder.js';
import { decodePkiMessage } from '../src/pki/cmp/pki-message.js';
import { OID } from '../src/pki/oids.js';
import { nullValue } from '../src/pki/der/der-writer.js';
import { fromPem } from '../src/pki/pem.js';
import type { Signer } from '../src/pki/signer.js';
import { cmpPost, httpsPost, type Sample } from './enroll-load.js';

/** `--only est|cmp`: every device over one protocol; absent: half and half. Anything else is refused. */
export function onlyProtocol(value: string | undefined): 'est' | 'cmp' | null {
  if (value === undefined) return null;
  if (value === 'est' || value === 'cmp') return value;
  throw new Error(`--only must be est or cmp, not "${value}"`);
}

/**
 * A line in `stateDir` with `devices` devices provisioned (a jig's simulator holds at most 255)
 * and every one of them on central's audit record, so central will enroll them. The line's
 * processes are left running; the caller stops them.
 */
export async function auditedLine(stateDir: string, devices: number, timeoutMs: number): Promise<RunningLine> {
  const jigs = Math.max(16, Math.ceil(devices / 250));
  const line = await startLine({ stateDir, devices, jigs, stationSettings: { auditSyncIntervalMs: 300 } });
  try {
    await provisionAll(line, jigs, devices, timeoutMs);
    await waitUntil('audit sync', async () => {
      const s = await httpJson<{ sync: { unsynced: number; ackedSeq: number } }>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
      return s.sync.unsynced === 0 && s.sync.ackedSeq > 0 ? true : undefined;
    }, timeoutMs, 500);
    return line;
  } catch (err) {
    await line.stop();
    throw err;
  }
}

export type PreparedEnrollment =
  | { kind: 'est'; cert: Buffer; key: Buffer; body: Buffer; tls: SecureContext }
  | { kind: 'cmp'; cert: Buffer; key: Buffer; body: Buffer };

/** `only`: every device over one protocol; otherwise even devices EST, odd ones CMP. */
export function prepareEnrollments(stateDir: string, serials: string[], root: Buffer, only: 'est' | 'cmp' | null): Promise<PreparedEnrollment[]> {
  return Promise.all(serials.map(async (serial, i): Promise<PreparedEnrollment> => {
    const f = deviceFiles(stateDir, serial);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const birthPem = readFileSync(f.birth);
    const keyPem = readFileSync(f.key);
    if (only === 'est' || (only === null && i % 2 === 0)) {
      const csr = Buffer.from(await buildCsr({ privateKey, publicKey, algorithm: 'ec-p256', subject: { serialNumber: serial, commonName: serial } }));
      // the device's TLS credentials parsed once, not per request (the handshake stays a full one)
      return { kind: 'est', cert: birthPem, key: keyPem, body: csr, tls: createSecureContext({ ca: root, cert: birthPem, key: keyPem }) };
    }
    const signerOf = (k: KeyObject, spki: Buffer): Signer => ({ algorithm: 'ec-p256', spki, sign: (d) => cryptoSign('sha256', d, k) });
    const birthSpki = Buffer.from(new X509Certificate(birthPem).publicKey.export({ format: 'der', type: 'spki' }));
    const newSpki = publicKey.export({ format: 'der', type: 'spki' });
    const body = buildClientMessage(
      { signer: signerOf(createPrivateKey(keyPem), birthSpki), certificate: fromPem(birthPem.toString()), chain: [fromPem(readFileSync(f.chain, 'utf8'))] },
      { bodyType: 'ir', transactionId: randomBytes(16), body: buildCertReqMessages({ spki: newSpki, popSigner: signerOf(privateKey, newSpki) }), generalInfo: [{ type: OID.itImplicitConfirm, value: nullValue() }] },
    );
    return { kind: 'cmp', cert: birthPem, key: keyPem, body };
  }));
}

const isIp = (answer: Buffer): boolean => {
  try {
    return decodePkiMessage(answer).bodyType === 'ip';
  } catch {
    return false;
  }
};

/** One enrollment against a central: EST at `tlsUrl`, CMP at `httpUrl`; a 200 with a certificate counts. */
export const sendEnrollment = (urls: { tlsUrl: string; httpUrl: string }, d: PreparedEnrollment): Promise<Sample> =>
  d.kind === 'est'
    ? httpsPost(`${urls.tlsUrl}/.well-known/est/simpleenroll`, { body: d.body.toString('base64'), contentType: 'application/pkcs10', secureContext: d.tls })
    : cmpPost(`${urls.httpUrl}/.well-known/cmp`, d.body, isIp);
