import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { softwareSigner } from '../../support/software-signer.js';
import { selfSignedRoot, issueSubordinate, type CaIdentity } from '../../../src/pki/ca-certificates.js';
import { encodeName } from '../../../src/pki/name.js';
import { readCertificate } from '../../../src/pki/certificate-reader.js';
import { issueOcspResponderCertificate } from '../../../src/pki/ocsp-responder-certificate.js';
import { toPem } from '../../../src/pki/pem.js';

const DAY = 24 * 3600 * 1000;
/** Whole seconds: the DER times carry no milliseconds. */
export const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);
export const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);
export { DAY };

/** root → Operational CA → a device certificate, plus the CA's delegated OCSP responder, all in software. */
export function hierarchy() {
  const validity = { notBefore: at(-DAY), notAfter: at(365 * DAY) };
  const root = selfSignedRoot({ organization: 'Acme', commonName: 'Acme Root' }, softwareSigner('ec-p384'), validity);
  const caSigner = softwareSigner();
  const caSubject = encodeName({ organization: 'Acme', commonName: 'Acme Operational CA' });
  const caCert = issueSubordinate(root, { subject: caSubject, spki: caSigner.spki, validity, pathLen: 0 });
  const ca: CaIdentity = { subject: caSubject, certificate: caCert, keyIdentifier: readCertificate(caCert).subjectKeyIdentifier!, signer: caSigner };
  const device = (cn: string) => issueSubordinate(ca, { subject: encodeName({ organization: 'Acme', commonName: cn }), spki: softwareSigner().spki, validity });
  const responderSigner = softwareSigner();
  const responderCert = issueOcspResponderCertificate(ca, {
    subject: encodeName({ organization: 'Acme', commonName: 'Acme Operational CA OCSP Responder' }),
    spki: responderSigner.spki,
    validity: { notBefore: at(-DAY), notAfter: at(30 * DAY) },
  });
  return { root, ca, device, responder: { signer: responderSigner, certificate: responderCert } };
}

/** A scratch directory with the given files written (DER certificates as PEM, other bytes as they are). */
export function scratch(files: Record<string, Uint8Array | string>, pemCerts: Record<string, Uint8Array[]> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'va-unit-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  for (const [name, certs] of Object.entries(pemCerts)) writeFileSync(join(dir, name), certs.map((c) => toPem(c)).join(''));
  return dir;
}

export function openssl(args: string[], cwd: string, input?: Uint8Array): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { cwd, input, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
