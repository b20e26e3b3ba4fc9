import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { verifyCsr } from '../../pki/csr.js';
import { readCertificate } from '../../pki/certificate-reader.js';
import { InvalidInputError, DomainError } from '../../common/domain-error.js';
import { CentralPkiService } from '../ca/central-pki.service.js';
import { WriteSerializer } from '../../common/write-serializer.js';
import { isUniqueViolation } from '../../common/database-dialect.js';
import { ProductionOrderEntity } from '../database/entities.js';
import type { CreateOrderDto, OrderView } from './order.dto.js';

export class OrderNotFoundError extends DomainError {
  readonly code = 'ORDER_NOT_FOUND';
  readonly status = 404;
  readonly retryable = false;
}
export class OrderConflictError extends DomainError {
  readonly code = 'ORDER_CONFLICT';
  readonly status = 409;
  readonly retryable = false;
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly ds: DataSource,
    private readonly pki: CentralPkiService,
    private readonly writes: WriteSerializer,
  ) {}

  async create(dto: CreateOrderDto, now = new Date()): Promise<OrderView> {
    if (dto.serialFirst.length !== dto.serialLast.length || dto.serialFirst > dto.serialLast) {
      throw new InvalidInputError('serialFirst and serialLast must have the same length and serialFirst <= serialLast');
    }
    if (new Date(dto.notAfter) <= new Date(dto.notBefore)) throw new InvalidInputError('notAfter must be after notBefore');
    const repo = this.ds.getRepository(ProductionOrderEntity);
    if (await repo.findOneBy({ orderId: dto.orderId })) throw new OrderConflictError(`order ${dto.orderId} exists already`);
    const notBefore = new Date(dto.notBefore);
    const notAfter = new Date(dto.notAfter);
    const grantDer = await this.pki.signGrant({ ...dto, notBefore, notAfter, nonce: randomBytes(16) });
    const row = {
      ...dto,
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      status: 'created' as const,
      orderCaCertificate: null,
      grantDer,
      createdAt: now.toISOString(),
    };
    // an INSERT, not save(): the primary key decides between two creations racing (another node)
    try {
      await this.writes.run(() => repo.insert(row));
    } catch (err) {
      if (isUniqueViolation(err)) throw new OrderConflictError(`order ${dto.orderId} exists already`);
      throw err;
    }
    return view({ ...row, enrolled: 0 });
  }

  async get(orderId: string, stationId?: string): Promise<ProductionOrderEntity> {
    const row = await this.ds.getRepository(ProductionOrderEntity).findOneBy({ orderId });
    // A station sees only its own orders; to it another station's order does not exist.
    if (!row || (stationId && row.stationId !== stationId)) throw new OrderNotFoundError(`no order ${orderId}`);
    return row;
  }

  async list(): Promise<OrderView[]> {
    return (await this.ds.getRepository(ProductionOrderEntity).find({ order: { createdAt: 'ASC' } })).map(view);
  }

  /**
   * Sign the station's Order CA. Idempotent for the same key (a station retrying after a lost
   * answer gets the same certificate); a second, different key for one order is refused.
   */
  async signOrderCa(orderId: string, stationId: string, csrDer: Buffer): Promise<{ certificate: Buffer; chain: Buffer[] }> {
    const order = await this.get(orderId, stationId);
    const csr = verifyCsr(csrDer, ['ec-p256', 'ec-p384']);
    if (order.orderCaCertificate) {
      if (!readCertificate(order.orderCaCertificate).spki.equals(csr.spki)) {
        throw new OrderConflictError(`order ${orderId} already has an Order CA for another key`);
      }
      return { certificate: order.orderCaCertificate, chain: [this.pki.rootCertificate()] };
    }
    const certificate = this.pki.issueOrderCa(
      csr.spki,
      { orderId, productModel: order.productModel, quota: order.quota, serialFirst: order.serialFirst, serialLast: order.serialLast },
      { notBefore: new Date(order.notBefore), notAfter: new Date(order.notAfter) },
    );
    // only the first Order CA for an order is kept, whichever node signed it: a request racing
    // this one (a retry reaching another node) is answered from what is on record
    const stored = await this.writes.run(() => this.ds.getRepository(ProductionOrderEntity)
      .update({ orderId, orderCaCertificate: IsNull() }, { orderCaCertificate: certificate, status: 'active' }));
    if (!stored.affected) return this.signOrderCa(orderId, stationId, csrDer);
    return { certificate, chain: [this.pki.rootCertificate()] };
  }
}

export function view(row: ProductionOrderEntity): OrderView {
  const { orderId, stationId, productModel, quota, serialFirst, serialLast, notBefore, notAfter, status } = row;
  return { orderId, stationId, productModel, quota, serialFirst, serialLast, notBefore, notAfter, status };
}
