import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueSubordinate, selfSignedRoot, type CaIdentity } from '../../../../src/pki/ca-certificates.js';
import { readCertificate } from '../../../../src/pki/certificate-reader.js';
import { encodeName, type DistinguishedName } from '../../../../src/pki/name.js';
import { keyIdentifierOf } from '../../../../src/pki/spki.js';
import { toPem } from '../../../../src/pki/pem.js';
import type { KeyAlgorithm } from '../../../../src/pki/key-algorithm.js';
import { softwareSigner } from '../../../support/software-signer.js';

export type SoftwareSigner = ReturnType<typeof softwareSigner>;

export interface Credential {
  signer: SoftwareSigner;
  certificate: Buffer;
}

const validity = () => ({ notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(Date.now() + 30 * 86400_000) });

function subordinateCa(issuer: CaIdentity, dn: DistinguishedName, alg: KeyAlgorithm = 'ec-p256'): CaIdentity {
  const signer = softwareSigner(alg);
  const subject = encodeName(dn);
  const certificate = issueSubordinate(issuer, { subject, spki: signer.spki, validity: validity(), pathLen: 0 });
  return { subject, certificate, keyIdentifier: keyIdentifierOf(signer.spki), signer };
}

/**
 * A software PKI shaped like the product's (system.md §3): a brand root, an Order CA with a
 * birth certificate under it, the Operational CA, and central's CMP response signer.
 */
export class CmpTestPki {
  readonly root = selfSignedRoot({ organization: 'Acme', commonName: 'Acme Root' }, softwareSigner('ec-p256'), validity());
  readonly orderCa = subordinateCa(this.root, { organization: 'Acme', commonName: 'Order CA PO-1' });
  readonly operationalCa = subordinateCa(this.root, { organization: 'Acme', commonName: 'Acme Operational CA' });
  readonly responseSigner: Credential = this.endEntity(this.root, { organization: 'Acme', commonName: 'Acme CMP responder' });

  /** An end-entity certificate (digitalSignature) for a fresh key of `alg` under `issuer`. */
  endEntity(issuer: CaIdentity, dn: DistinguishedName, alg: KeyAlgorithm = 'ec-p256'): Credential {
    const signer = softwareSigner(alg);
    return { signer, certificate: issueSubordinate(issuer, { subject: encodeName(dn), spki: signer.spki, validity: validity() }) };
  }

  birthCertificate(serial: string, alg: KeyAlgorithm = 'ec-p256'): Credential {
    return this.endEntity(this.orderCa, { organization: 'Acme', commonName: 'thermo-1', serialNumber: serial }, alg);
  }

  /** Issue from the Operational CA for a requested key (what the fake authority does). */
  issueOperational(subject: Buffer, spki: Uint8Array): { certificate: Buffer; serialHex: string } {
    const certificate = issueSubordinate(this.operationalCa, { subject, spki, validity: validity() });
    return { certificate, serialHex: readCertificate(certificate).serialHex };
  }
}

/** Files for an `openssl cmp` run: PEM certificates and PKCS#8 keys in a fresh directory. */
export class OpensslFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'cmp-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  certs(name: string, ...ders: Buffer[]): string {
    writeFileSync(this.path(name), ders.map((d) => toPem(d)).join(''));
    return this.path(name);
  }

  key(name: string, signer: SoftwareSigner): string {
    writeFileSync(this.path(name), signer.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    return this.path(name);
  }

  /** A fresh key of `alg`, written for -newkey; the signer is returned to check the issued certificate. */
  newKey(name: string, alg: KeyAlgorithm = 'ec-p256'): { path: string; signer: SoftwareSigner } {
    const signer = softwareSigner(alg);
    return { path: this.key(name, signer), signer };
  }
}
