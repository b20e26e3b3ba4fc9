import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BINARY_COLUMN } from '../../common/database-dialect.js';
import { ENROLLMENT_ENTITIES } from '../enrollment/enrollment.entities.js';
import { VA_ENTITIES } from '../va/va-crl.entity.js';
import { CENTRAL_USER_ENTITIES } from '../auth/central-users.entities.js';

/** A CA or signer certificate of the brand hierarchy; its key lives in central's HSM. */
@Entity('ca_certificate')
export class CaCertificateEntity {
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ name: 'key_label', type: 'text' }) keyLabel: string;
  @Column({ type: BINARY_COLUMN }) certificate: Buffer;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

@Entity('production_order')
export class ProductionOrderEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' }) orderId: string;
  @Column({ name: 'station_id', type: 'text' }) stationId: string;
  @Column({ name: 'product_model', type: 'text' }) productModel: string;
  @Column({ type: 'integer' }) quota: number;
  @Column({ name: 'serial_first', type: 'text' }) serialFirst: string;
  @Column({ name: 'serial_last', type: 'text' }) serialLast: string;
  @Column({ name: 'not_before', type: 'text' }) notBefore: string;
  @Column({ name: 'not_after', type: 'text' }) notAfter: string;
  @Column({ type: 'text' }) status: 'created' | 'active' | 'closed';
  @Column({ name: 'order_ca_certificate', type: BINARY_COLUMN, nullable: true }) orderCaCertificate: Buffer | null;
  /** the signed quota grant (CMS SignedData DER) */
  @Column({ name: 'grant_der', type: BINARY_COLUMN, nullable: true }) grantDer: Buffer | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  /** distinct devices of this order enrolled in the field (system.md §4.2) */
  @Column({ type: 'integer', default: 0 }) enrolled: number;
}

export const CENTRAL_ENTITIES = [CaCertificateEntity, ProductionOrderEntity, ...ENROLLMENT_ENTITIES, ...VA_ENTITIES, ...CENTRAL_USER_ENTITIES];
