import type { CertificateStatus, CertificateStatusSource, RevocationReasonCode, RevokedEntry } from '../../../src/central/enrollment/certificate-status.port.js';

/** The enrollment side's record of issued and revoked certificates, held in memory for the VA's tests. */
export class FakeCertificateStatus implements CertificateStatusSource {
  private readonly byCa = new Map<string, Map<string, CertificateStatus>>();
  /** set to make the next lookups fail, as a database that went away would */
  broken = false;

  good(caName: string, serialHex: string): void {
    this.table(caName).set(normal(serialHex), { state: 'good' });
  }

  revoke(caName: string, serialHex: string, revokedAt: Date, reason: RevocationReasonCode): void {
    this.table(caName).set(normal(serialHex), { state: 'revoked', revokedAt, reason });
  }

  async status(caName: string, serialHex: string): Promise<CertificateStatus> {
    if (this.broken) throw new Error('status store unavailable');
    return this.byCa.get(caName)?.get(serialHex) ?? { state: 'unknown' };
  }

  async revoked(caName: string): Promise<RevokedEntry[]> {
    const out: RevokedEntry[] = [];
    for (const [serialHex, s] of this.table(caName)) if (s.state === 'revoked') out.push({ serialHex, revokedAt: s.revokedAt, reason: s.reason });
    return out;
  }

  private table(caName: string): Map<string, CertificateStatus> {
    let t = this.byCa.get(caName);
    if (!t) this.byCa.set(caName, (t = new Map()));
    return t;
  }
}

/** The port's form: lowercase hex without leading zeros. */
const normal = (hex: string): string => BigInt(`0x${hex}`).toString(16);
