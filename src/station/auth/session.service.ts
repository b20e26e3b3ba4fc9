import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import type { Principal, StationRole } from './roles.js';

export interface NewSession {
  token: string;
  expiresAt: string;
}

const MINUTE = 60_000;
/** how often a session's last-seen time is written (not on every request) */
const TOUCH_EVERY_MS = MINUTE;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Browser sessions: a random 256-bit token in an HttpOnly cookie; the database holds only its
 * hash. A session ends at logout, after `sessionIdleMinutes` without a request, or
 * `sessionMaxHours` after sign-in, whichever comes first.
 */
@Injectable()
export class SessionService {
  /** the clock; tests move it */
  now: () => Date = () => new Date();

  constructor(
    private readonly ds: DataSource,
    @Inject(STATION_CONFIG) private readonly config: StationConfig,
  ) {}

  async create(userName: string, role: StationRole): Promise<NewSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.config.sessionMaxHours * 60 * MINUTE).toISOString();
    await this.ds.query(`INSERT INTO station_session (token_hash, user_name, role, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`, [
      digest(token),
      userName,
      role,
      now.toISOString(),
      now.toISOString(),
      expiresAt,
    ]);
    return { token, expiresAt };
  }

  /** The session's principal, or null when the token is unknown, ended, idle too long or past its end. */
  async resolve(token: string): Promise<Principal | null> {
    const [s] = await this.ds.query(
      `SELECT s.user_name AS name, s.role, s.last_seen_at AS lastSeen, s.expires_at AS expiresAt, s.ended_at AS endedAt, u.disabled
       FROM station_session s JOIN station_user u ON u.name = s.user_name WHERE s.token_hash = ?`,
      [digest(token)],
    );
    if (!s || s.endedAt || s.disabled === 1) return null;
    const now = this.now();
    const idleUntil = new Date(s.lastSeen).getTime() + this.config.sessionIdleMinutes * MINUTE;
    if (now.getTime() >= new Date(s.expiresAt).getTime() || now.getTime() >= idleUntil) return null;
    if (now.getTime() - new Date(s.lastSeen).getTime() >= TOUCH_EVERY_MS) {
      await this.ds.query(`UPDATE station_session SET last_seen_at = ? WHERE token_hash = ?`, [now.toISOString(), digest(token)]);
    }
    return { name: s.name, role: s.role, via: 'session', expiresAt: s.expiresAt };
  }

  /** Mark a session used now (a live stream keeps its session alive while the panel is open). */
  async touch(token: string): Promise<void> {
    await this.ds.query(`UPDATE station_session SET last_seen_at = ? WHERE token_hash = ? AND ended_at IS NULL`, [this.now().toISOString(), digest(token)]);
  }

  async end(token: string): Promise<void> {
    await this.ds.query(`UPDATE station_session SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL`, [this.now().toISOString(), digest(token)]);
  }
}
