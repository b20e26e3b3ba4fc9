import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A CA or signer certificate of the brand hierarchy; its key lives in central's HSM. */
@Entity('ca_certificate')
export class CaCertificateEntity {
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ name: 'key_label', type: 'text' }) keyLabel: string;
  @Column({ type: 'blob' }) certificate: Buffer;
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
  @Column({ name: 'order_ca_certificate', type: 'blob', nullable: true }) orderCaCertificate: Buffer | null;
  /** the signed quota grant (CMS SignedData DER) */
  @Column({ name: 'grant_der', type: 'blob', nullable: true }) grantDer: Buffer | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

export const CENTRAL_ENTITIES = [CaCertificateEntity, ProductionOrderEntity];
