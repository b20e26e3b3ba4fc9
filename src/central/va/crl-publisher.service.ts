import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WriteSerializer } from '../../common/write-serializer.js';
import { buildCrl } from '../../pki/crl.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { CERTIFICATE_STATUS, type CertificateStatusSource } from '../enrollment/certificate-status.port.js';
import { VaCrlEntity } from './va-crl.entity.js';
import { DEFAULT_VA_OPTIONS, VA_OPTIONS, type VaOptions } from './va.options.js';

export interface PublishedCrl {
  der: Buffer;
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
}

const view = (row: VaCrlEntity): PublishedCrl => ({
  der: row.crl,
  crlNumber: row.crlNumber,
  thisUpdate: new Date(row.thisUpdate),
  nextUpdate: new Date(row.nextUpdate),
});

/**
 * One CRL per CA, signed by the CA's own key in central's HSM (RFC 5280 §5). It is rebuilt when
 * it is stale (a revocation was announced with `invalidate`) or due (less than the renewal margin
 * before nextUpdate), each time with the next cRLNumber from the database.
 */
@Injectable()
export class CrlPublisherService {
  private readonly log = new Logger(CrlPublisherService.name);
  private readonly options: VaOptions;

  constructor(
    private readonly ds: DataSource,
    private readonly pki: CentralPkiService,
    private readonly writes: WriteSerializer,
    @Inject(CERTIFICATE_STATUS) private readonly status: CertificateStatusSource,
    @Optional() @Inject(VA_OPTIONS) options?: Partial<VaOptions>,
  ) {
    this.options = { ...DEFAULT_VA_OPTIONS, ...options };
  }

  /** The CA's current CRL, rebuilt first if it is stale or due. */
  async current(caName: string, now = new Date()): Promise<PublishedCrl> {
    const row = await this.ds.getRepository(VaCrlEntity).findOneBy({ caName });
    if (row && this.fresh(row, now)) return view(row);
    return this.writes.run(() => this.rebuild(caName, now, false));
  }

  /**
   * A certificate of `caName` was revoked: mark its CRL stale (a cheap write that survives a
   * failed rebuild and is seen by every node), then rebuild it. Call it after the revocation is
   * committed and outside any WriteSerializer unit (it queues its own).
   */
  async invalidate(caName: string, now = new Date()): Promise<PublishedCrl> {
    await this.writes.run(() =>
      this.ds.createQueryBuilder().update(VaCrlEntity).set({ invalidated: () => 'invalidated + 1' }).where('ca_name = :caName', { caName }).execute(),
    );
    return this.writes.run(() => this.rebuild(caName, now, true));
  }

  private fresh(row: VaCrlEntity, now: Date): boolean {
    return row.builtFor >= row.invalidated && now.getTime() < new Date(row.nextUpdate).getTime() - this.options.crlRenewBeforeMs;
  }

  /**
   * Runs inside the write serializer. The update is conditional on the cRLNumber read, so two
   * nodes racing cannot publish the same number twice: the loser reads again and builds anew.
   */
  private async rebuild(caName: string, now: Date, force: boolean): Promise<PublishedCrl> {
    const repo = this.ds.getRepository(VaCrlEntity);
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await repo.findOneBy({ caName });
      if (row && !force && this.fresh(row, now)) return view(row); // rebuilt while this call waited its turn
      const issuer = await this.pki.caIdentity(caName);
      // removeFromCRL (RFC 5280 §5.3.1) is only meaningful in a delta CRL: such a certificate is listed nowhere
      const revoked = (await this.status.revoked(caName)).filter((e) => e.reason !== 8);
      const crlNumber = (row?.crlNumber ?? 0) + 1;
      const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
      const nextUpdate = new Date(thisUpdate.getTime() + this.options.crlValidityMs);
      const der = buildCrl({ issuer, thisUpdate, nextUpdate, crlNumber: BigInt(crlNumber), entries: revoked });
      const fields = { crlNumber, thisUpdate: thisUpdate.toISOString(), nextUpdate: nextUpdate.toISOString(), crl: der, builtFor: row?.invalidated ?? 0 };
      if (row) {
        const result = await repo.createQueryBuilder().update().set(fields).where('ca_name = :caName AND crl_number = :previous', { caName, previous: row.crlNumber }).execute();
        if (result.affected !== 1) continue;
      } else {
        try {
          await repo.insert({ caName, invalidated: 0, ...fields });
        } catch {
          continue; // another node inserted the first CRL meanwhile
        }
      }
      this.log.log(`CRL ${crlNumber} of ${caName} published: ${revoked.length} revoked, next update ${nextUpdate.toISOString()}`);
      return { der, crlNumber, thisUpdate, nextUpdate };
    }
    throw new Error(`CRL of ${caName}: the cRLNumber kept changing under this node`);
  }
}
