import type { CaIdentity, Validity } from './ca-certificates.js';
import { issueCertificate, randomSerial } from './certificate.js';
import { encodeName } from './name.js';
import { keyIdentifierOf } from './spki.js';
import { inspectSpki } from './spki.js';
import type { KeyAlgorithm } from './key-algorithm.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  extendedKeyUsage,
  hardwareModuleNameSan,
  keyUsage,
  subjectKeyIdentifier,
  type KeyUsageName,
} from './extensions.js';
import { authorityInfoAccess, crlDistributionPoints } from './validation-extensions.js';

/** id-kp-clientAuth / id-kp-serverAuth (RFC 5280 §4.2.1.12). */
export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export interface OperationalProfileInput {
  spki: Uint8Array;
  deviceSerial: string;
  commonName: string;
  organization: string;
  /** copied from the birth certificate so the LDevID names the same module (IEEE 802.1AR §8.10) */
  hardwareModule: { hwType: string; hwSerial: string } | null;
  validity: Validity;
  extendedKeyUsages: string[];
  /** where relying parties find status: CRL (CDP), OCSP and the issuer certificate (AIA) */
  urls: { crl: string; ocsp: string; caIssuers: string };
  /** the key's type when the caller already inspected it (saves decoding the key twice) */
  keyAlgorithm?: KeyAlgorithm;
}

/**
 * An operational certificate (LDevID): end entity, the device serial in subject serialNumber,
 * keyUsage by key type (digitalSignature; keyEncipherment for RSA; keyAgreement for EC so the
 * key can do ECDH in TLS 1.2 suites), CDP and AIA so `openssl verify -crl_check` and OCSP
 * clients find status (RFC 5280 §4.2.1.13, §4.2.2.1). docs/pki-profile.md has the profile table.
 */
export function issueOperationalCertificate(issuer: CaIdentity, input: OperationalProfileInput): { certificate: Buffer; serial: Buffer } {
  const keyType = input.keyAlgorithm ?? inspectSpki(input.spki).algorithm;
  const usages: KeyUsageName[] = ['digitalSignature'];
  if (keyType.startsWith('rsa')) usages.push('keyEncipherment');
  if (keyType.startsWith('ec-')) usages.push('keyAgreement');
  const extensions = [
    basicConstraints(false),
    keyUsage(usages),
    subjectKeyIdentifier(keyIdentifierOf(input.spki)),
    authorityKeyIdentifier(issuer.keyIdentifier),
    crlDistributionPoints(input.urls.crl),
    authorityInfoAccess({ ocsp: input.urls.ocsp, caIssuers: input.urls.caIssuers }),
  ];
  if (input.extendedKeyUsages.length) extensions.push(extendedKeyUsage(input.extendedKeyUsages));
  if (input.hardwareModule) extensions.push(hardwareModuleNameSan(input.hardwareModule.hwType, input.hardwareModule.hwSerial));
  const serial = randomSerial();
  const certificate = issueCertificate(
    {
      serial,
      issuer: issuer.subject,
      subject: encodeName({ organization: input.organization, commonName: input.commonName, serialNumber: input.deviceSerial }),
      ...input.validity,
      spki: input.spki,
      extensions,
    },
    issuer.signer,
  );
  return { certificate, serial };
}
