import { BINARY_COLUMN } from '../../common/database-dialect.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The current CRL of one CA and its cRLNumber (RFC 5280 §5.2.3: monotonically increasing, so
 * kept in the database, not in memory). `invalidated` counts revocations announced to the VA;
 * the CRL is stale while it was built for fewer of them (`built_for`).
 */
@Entity('va_crl')
export class VaCrlEntity {
  @PrimaryColumn({ name: 'ca_name', type: 'text' }) caName: string;
  @Column({ name: 'crl_number', type: 'integer' }) crlNumber: number;
  @Column({ name: 'this_update', type: 'text' }) thisUpdate: string;
  @Column({ name: 'next_update', type: 'text' }) nextUpdate: string;
  @Column({ type: BINARY_COLUMN }) crl: Buffer;
  @Column({ type: 'integer' }) invalidated: number;
  @Column({ name: 'built_for', type: 'integer' }) builtFor: number;
}

export const VA_ENTITIES = [VaCrlEntity];
