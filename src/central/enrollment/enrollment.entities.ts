import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { BINARY_COLUMN } from '../../common/database-dialect.js';

/**
 * A device's one greenfield enrollment per order (system.md §4.2): the primary key is what makes
 * "a second initial enrollment" impossible, on one node or many sharing the database.
 */
@Entity('device_enrollment')
export class DeviceEnrollmentEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' }) orderId: string;
  @PrimaryColumn({ name: 'device_serial', type: 'text' }) deviceSerial: string;
  /** sha256 of the birth certificate that enrolled */
  @Column({ name: 'birth_fingerprint', type: 'text' }) birthFingerprint: string;
  /** sha256 of the SubjectPublicKeyInfo the first operational certificate certifies */
  @Column({ name: 'key_hash', type: 'text' }) keyHash: string;
  @Column({ name: 'certificate_serial', type: 'text' }) certificateSerial: string;
  @Column({ type: 'text' }) protocol: string;
  @Column({ name: 'enrolled_at', type: 'text' }) enrolledAt: string;
}

/** Every operational certificate the Operational CA issued, with its status (what OCSP and CRLs serve). */
@Entity('operational_certificate')
export class OperationalCertificateEntity {
  /** lowercase hex, no leading zeros */
  @PrimaryColumn({ name: 'serial_hex', type: 'text' }) serialHex: string;
  @Column({ name: 'ca_name', type: 'text' }) caName: string;
  @Column({ name: 'order_id', type: 'text' }) orderId: string;
  @Column({ name: 'device_serial', type: 'text' }) deviceSerial: string;
  @Column({ name: 'key_hash', type: 'text' }) keyHash: string;
  @Column({ type: BINARY_COLUMN }) certificate: Buffer;
  @Column({ name: 'not_after', type: 'text' }) notAfter: string;
  @Column({ name: 'issued_at', type: 'text' }) issuedAt: string;
  @Column({ type: 'text' }) protocol: string;
  /** CMP certConf outcome: pending until confirmed (EST and implicit confirm: accepted at once) */
  @Column({ type: 'text' }) confirmation: 'pending' | 'accepted' | 'rejected';
  @Column({ name: 'revoked_at', type: 'text', nullable: true }) revokedAt: string | null;
  @Column({ name: 'revocation_reason', type: 'integer', nullable: true }) revocationReason: number | null;
}

/** A brand owner's revocation of a device or of a whole order; enrollment refuses what is listed here. */
@Entity('device_revocation')
export class DeviceRevocationEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'text' }) scope: 'device' | 'order';
  @Column({ name: 'order_id', type: 'text' }) orderId: string;
  @Column({ name: 'device_serial', type: 'text', nullable: true }) deviceSerial: string | null;
  @Column({ type: 'integer' }) reason: number;
  @Column({ name: 'revoked_at', type: 'text' }) revokedAt: string;
}

/** Every enrollment decision, refusals with their reason (system.md §4.2 "every refusal is recorded"). */
@Entity('enrollment_event')
export class EnrollmentEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'text' }) at: string;
  @Column({ type: 'text' }) protocol: string;
  @Column({ type: 'text' }) operation: string;
  @Column({ type: 'text' }) outcome: 'issued' | 'pending' | 'refused' | 'confirmed' | 'rejected' | 'revoked';
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'text' }) message: string;
  @Column({ name: 'order_id', type: 'text', nullable: true }) orderId: string | null;
  @Column({ name: 'device_serial', type: 'text', nullable: true }) deviceSerial: string | null;
  @Column({ name: 'certificate_fingerprint', type: 'text', nullable: true }) certificateFingerprint: string | null;
}

/** An anomaly the brand owner must look at: a clone, an enrolling device nobody audited. */
@Entity('central_alarm')
export class CentralAlarmEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'raised_at', type: 'text' }) raisedAt: string;
  @Column({ type: 'text' }) kind: 'clone' | 'unknown-device';
  @Column({ name: 'order_id', type: 'text', nullable: true }) orderId: string | null;
  @Column({ name: 'device_serial', type: 'text', nullable: true }) deviceSerial: string | null;
  @Column({ type: 'text' }) details: string;
  @Column({ name: 'cleared_at', type: 'text', nullable: true }) clearedAt: string | null;
}

export const ENROLLMENT_ENTITIES = [DeviceEnrollmentEntity, OperationalCertificateEntity, DeviceRevocationEntity, EnrollmentEventEntity, CentralAlarmEntity];
