import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readDeviceIdentity, isSignedBy, isSignedByPrepared, prepareIssuer, type DeviceIdentity, type PreparedIssuer } from '../../pki/device-identity.js';
import { CertificateMalformedError } from '../../pki/pki.errors.js';
import { ProductionOrderEntity } from '../database/entities.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { OperationalCertificateEntity } from './enrollment.entities.js';
import { EnrollmentRefusal } from './enrollment.errors.js';
import type { RequesterCredentials } from './enrollment-authority.port.js';

export type Credential =
  | { kind: 'birth'; identity: DeviceIdentity; deviceSerial: string; order: ProductionOrderEntity }
  | { kind: 'operational'; identity: DeviceIdentity; certificate: OperationalCertificateEntity };

/**
 * Tells what authenticated a request and whether central trusts it:
 * - a birth certificate: signed by the Order CA that central issued for the order its extension
 *   names, and issued inside that order's window. The Order CA's own validity has usually ended
 *   by the time a device reaches the field (it is the production window), so the check is that
 *   the birth certificate was made while the order ran, not that the Order CA is current
 *   (docs/decisions/0005-greenfield-enrollment.md);
 * - an operational certificate: signed by the Operational CA, current, and on central's record.
 */
@Injectable()
export class CredentialClassifier {
  /** each order's Order CA certificate once checked against the brand root, with its key decoded */
  private readonly orderCas = new Map<string, { certificate: Buffer; issuer: PreparedIssuer }>();
  private operationalCa: PreparedIssuer | null = null;
  /** orders whose Order CA is issued: their terms no longer change, so one read per process */
  private readonly orders = new Map<string, ProductionOrderEntity>();

  constructor(
    private readonly ds: DataSource,
    private readonly pki: CentralPkiService,
  ) {}

  async classify(requester: RequesterCredentials, now: Date): Promise<Credential> {
    let identity: DeviceIdentity;
    try {
      identity = readDeviceIdentity(requester.certificate);
    } catch (err) {
      if (err instanceof CertificateMalformedError) throw new EnrollmentRefusal('bad-request', `the client certificate is malformed: ${err.message}`);
      throw err;
    }
    if (identity.orderId !== null) return this.birth(identity, now);
    const opCa = (this.operationalCa ??= prepareIssuer((await this.pki.caIdentity('operational-ca')).certificate));
    if (!isSignedByPrepared(identity.details.der, opCa)) {
      throw new EnrollmentRefusal('bad-chain', 'the client certificate is neither a birth certificate of a known order nor an operational certificate of this CA');
    }
    if (identity.details.notAfter < now || identity.details.notBefore > now) {
      throw new EnrollmentRefusal('bad-chain', `the operational certificate is not valid now (valid ${identity.details.notBefore.toISOString()} to ${identity.details.notAfter.toISOString()})`);
    }
    const certificate = await this.ds.getRepository(OperationalCertificateEntity).findOneBy({ serialHex: identity.details.serialHex });
    if (!certificate) throw new EnrollmentRefusal('bad-chain', `operational certificate ${identity.details.serialHex} is not on central's record`);
    return { kind: 'operational', identity, certificate };
  }

  /** The order's Order CA as checked before, if it is still the certificate the order names. */
  private orderCaOf(order: ProductionOrderEntity): PreparedIssuer | undefined {
    const known = this.orderCas.get(order.orderId);
    return known && order.orderCaCertificate && known.certificate.equals(order.orderCaCertificate) ? known.issuer : undefined;
  }

  private async birth(identity: DeviceIdentity, now: Date): Promise<Credential> {
    const orderId = identity.orderId!;
    const deviceSerial = identity.deviceSerial;
    const context = { orderId, deviceSerial };
    const order = this.orders.get(orderId) ?? (await this.ds.getRepository(ProductionOrderEntity).findOneBy({ orderId }));
    if (order?.orderCaCertificate) this.orders.set(orderId, order);
    if (!order?.orderCaCertificate) throw new EnrollmentRefusal('bad-chain', `order ${orderId} has no Order CA known to central`, context);
    let orderCa = this.orderCaOf(order);
    if (!orderCa) {
      if (!isSignedBy(order.orderCaCertificate, this.pki.rootCertificate())) {
        throw new EnrollmentRefusal('bad-chain', `the Order CA of order ${orderId} does not chain to the brand root`, context);
      }
      orderCa = prepareIssuer(order.orderCaCertificate);
      this.orderCas.set(orderId, { certificate: order.orderCaCertificate, issuer: orderCa });
    }
    if (!isSignedByPrepared(identity.details.der, orderCa)) {
      throw new EnrollmentRefusal('bad-chain', `the birth certificate is not signed by the Order CA of order ${orderId}`, context);
    }
    const issued = identity.details.notBefore;
    // a little slack: the station's clock and central's may differ by minutes
    const slackMs = 10 * 60_000;
    if (issued.getTime() < new Date(order.notBefore).getTime() - slackMs || issued.getTime() > new Date(order.notAfter).getTime() + slackMs || issued > new Date(now.getTime() + slackMs)) {
      throw new EnrollmentRefusal('bad-chain', `the birth certificate was issued ${issued.toISOString()}, outside order ${orderId}'s window`, context);
    }
    if (!deviceSerial) throw new EnrollmentRefusal('bad-request', 'the birth certificate names no device serial', context);
    return { kind: 'birth', identity, deviceSerial, order };
  }
}
