import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A production order this station may issue for, with its Order CA (key in the HSM). */
@Entity('station_order')
export class StationOrderEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' }) orderId: string;
  @Column({ name: 'product_model', type: 'text' }) productModel: string;
  @Column({ type: 'integer' }) quota: number;
  @Column({ type: 'integer', default: 0 }) issued: number;
  @Column({ name: 'serial_first', type: 'text' }) serialFirst: string;
  @Column({ name: 'serial_last', type: 'text' }) serialLast: string;
  @Column({ name: 'not_before', type: 'text' }) notBefore: string;
  @Column({ name: 'not_after', type: 'text' }) notAfter: string;
  @Column({ type: 'text' }) status: 'open' | 'closed';
  @Column({ name: 'ca_key_label', type: 'text' }) caKeyLabel: string;
  @Column({ name: 'ca_certificate', type: 'blob' }) caCertificate: Buffer;
  /** DER certificates above the Order CA, nearest first, ending with the brand root */
  @Column({ name: 'upper_chain', type: 'blob' }) upperChain: Buffer;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'closed_reason', type: 'text', nullable: true }) closedReason: string | null;
}

export type IssuanceStatus = 'reserved' | 'issued' | 'injected' | 'locked' | 'spoiled';

/**
 * One birth certificate signature. The row exists (status reserved) before the HSM signs and
 * holds the certificate before it leaves the station (system.md §5 "durable before sent").
 */
@Entity('issuance')
export class IssuanceEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'order_id', type: 'text' }) orderId: string;
  /** unique among live records (migration StationVoidReservations) */
  @Column({ name: 'device_serial', type: 'text' }) deviceSerial: string;
  @Column({ name: 'key_id', type: 'text' }) keyId: string;
  @Column({ name: 'cert_serial', type: 'text' }) certSerial: string;
  @Column({ type: 'text', nullable: true }) fingerprint: string | null;
  @Column({ type: 'blob', nullable: true }) certificate: Buffer | null;
  @Column({ type: 'text' }) status: IssuanceStatus;
  @Column({ name: 'jig_id', type: 'text', nullable: true }) jigId: string | null;
  @Column({ type: 'integer', nullable: true }) slot: number | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt: string;
}

/** Why a device was refused or failed: shown to the operator, kept for the record. */
@Entity('device_refusal')
export class DeviceRefusalEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'device_serial', type: 'text', nullable: true }) deviceSerial: string | null;
  @Column({ name: 'jig_id', type: 'text' }) jigId: string;
  @Column({ type: 'integer' }) slot: number;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) message: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

/** A tamper alarm: while one is open, issuance is locked. Only a supervisor clears it. */
@Entity('alarm')
export class AlarmEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) kind: string;
  @Column({ name: 'order_id', type: 'text', nullable: true }) orderId: string | null;
  @Column({ type: 'text' }) detail: string;
  @Column({ name: 'raised_at', type: 'text' }) raisedAt: string;
  @Column({ name: 'cleared_at', type: 'text', nullable: true }) clearedAt: string | null;
  @Column({ name: 'cleared_by', type: 'text', nullable: true }) clearedBy: string | null;
  @Column({ name: 'clear_note', type: 'text', nullable: true }) clearNote: string | null;
}

export const STATION_ENTITIES = [StationOrderEntity, IssuanceEntity, DeviceRefusalEntity, AlarmEntity];
