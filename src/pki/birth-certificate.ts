import { createHash } from 'node:crypto';
import type { Signer } from './signer.js';
import type { KeyAlgorithm } from './key-algorithm.js';
import { encodeName } from './name.js';
import { encodeTbs, randomSerial, signTbs } from './certificate.js';
import { authorityKeyIdentifier, birthOrderId, hardwareModuleNameSan, keyUsage, subjectKeyIdentifier } from './extensions.js';

/** Per-product birth certificate settings (system.md §3). */
export interface BirthProfile {
  /** hwType of the HardwareModuleName (RFC 4108), an OID naming the product's hardware */
  hardwareTypeOid: string;
  /** subject O, if any */
  organization?: string;
  /** subject CN = `${commonNamePrefix}${serial}`; defaults to the bare serial */
  commonNamePrefix?: string;
  /** add keyAgreement to keyUsage for EC keys (ECDH-capable devices) */
  keyAgreement?: boolean;
}

export interface BirthIssuer {
  /** DER subject Name of the Order CA certificate: becomes the issuer, byte for byte */
  subject: Uint8Array;
  keyIdentifier: Uint8Array;
  signer: Signer;
}

export interface DeviceKey {
  serial: string;
  algorithm: KeyAlgorithm;
  spki: Uint8Array;
  keyIdentifier: Uint8Array;
}

export interface IssuedBirthCertificate {
  der: Buffer;
  serialHex: string;
  /** SHA-256 of the DER, hex */
  fingerprint: string;
}

/**
 * IEEE 802.1AR IDevID issuance for one order. Everything constant for the order (issuer,
 * AKI, order id, key usage) is encoded once here; per device only the serial, subject, SAN,
 * SKI and key are encoded, so building a TBS costs microseconds next to the HSM signature.
 */
export class BirthCertificateTemplate {
  private readonly constantExtensions: { aki: Buffer; order: Buffer };
  private readonly keyUsageEc: Buffer;
  private readonly keyUsageSignOnly: Buffer;

  constructor(
    private readonly issuer: BirthIssuer,
    orderId: string,
    private readonly profile: BirthProfile,
  ) {
    this.constantExtensions = { aki: authorityKeyIdentifier(issuer.keyIdentifier), order: birthOrderId(orderId) };
    this.keyUsageSignOnly = keyUsage(['digitalSignature']);
    this.keyUsageEc = profile.keyAgreement ? keyUsage(['digitalSignature', 'keyAgreement']) : this.keyUsageSignOnly;
  }

  /** The TBS bytes for a device: pure, so tests can pin them. */
  tbsFor(device: DeviceKey, serial: Uint8Array, notBefore: Date): Buffer {
    const isEc = device.algorithm === 'ec-p256' || device.algorithm === 'ec-p384';
    const subject = encodeName({
      organization: this.profile.organization,
      commonName: `${this.profile.commonNamePrefix ?? ''}${device.serial}`,
      serialNumber: device.serial,
    });
    return encodeTbs(
      {
        serial,
        issuer: this.issuer.subject,
        subject,
        notBefore,
        notAfter: null, // 99991231235959Z: IEEE 802.1AR §8.5, RFC 5280 §4.1.2.5
        spki: device.spki,
        extensions: [
          isEc ? this.keyUsageEc : this.keyUsageSignOnly,
          hardwareModuleNameSan(this.profile.hardwareTypeOid, device.serial),
          subjectKeyIdentifier(device.keyIdentifier),
          this.constantExtensions.aki,
          this.constantExtensions.order,
        ],
      },
      this.issuer.signer,
    );
  }

  issue(device: DeviceKey, now: Date): IssuedBirthCertificate {
    return this.prepare(device, now).sign();
  }

  /**
   * The certificate built but not signed: the station builds it while the quota reservation is
   * on its way to the disk, and signs only once the reservation is durable (system.md §5).
   */
  prepare(device: DeviceKey, now: Date): { sign(): IssuedBirthCertificate } {
    const serial = randomSerial();
    const tbs = this.tbsFor(device, serial, now);
    return {
      sign: () => {
        const der = signTbs(tbs, this.issuer.signer);
        return { der, serialHex: serial.toString('hex'), fingerprint: createHash('sha256').update(der).digest('hex') };
      },
    };
  }
}
