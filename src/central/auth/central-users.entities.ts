import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A person who may use central's console: a brand owner or a (read-only) auditor. */
@Entity('central_user')
export class CentralUserEntity {
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'text' }) role: 'brand-owner' | 'auditor';
  /** scrypt, `scrypt$N$r$p$salt$hash` (src/common/auth/password.ts) */
  @Column({ name: 'password_hash', type: 'text' }) passwordHash: string;
  @Column({ type: 'integer', default: 0 }) disabled: number;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt: string;
}

/** A browser session: only the SHA-256 of its token. */
@Entity('central_session')
export class CentralSessionEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'text' }) tokenHash: string;
  @Column({ name: 'user_name', type: 'text' }) userName: string;
  @Column({ type: 'text' }) role: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'last_seen_at', type: 'text' }) lastSeenAt: string;
  @Column({ name: 'expires_at', type: 'text' }) expiresAt: string;
  @Column({ name: 'ended_at', type: 'text', nullable: true }) endedAt: string | null;
}

/** What a person did on central: login, login-failed, logout, user-changed, revoke-device, revoke-order. */
@Entity('central_user_event')
export class CentralUserEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'text' }) at: string;
  @Column({ name: 'user_name', type: 'text' }) userName: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text' }) outcome: 'ok' | 'refused';
  @Column({ type: 'text', nullable: true }) address: string | null;
  @Column({ type: 'text' }) detail: string;
}

/** A batch central refused from a station, once per distinct refusal. */
@Entity('audit_ingest_refusal')
export class AuditIngestRefusalEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'station_id', type: 'text' }) stationId: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) message: string;
  @Column({ name: 'first_at', type: 'text' }) firstAt: string;
  @Column({ name: 'last_at', type: 'text' }) lastAt: string;
  @Column({ type: 'integer' }) attempts: number;
}

export const CENTRAL_USER_ENTITIES = [CentralUserEntity, CentralSessionEntity, CentralUserEventEntity, AuditIngestRefusalEntity];
