import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { sql } from '../../common/database-dialect.js';
import { CENTRAL_CONFIG, CentralConfig } from '../../config/central-config.js';
import type { CentralPrincipal, ConsoleRole } from './central-roles.js';

const MINUTE = 60_000;
/** how often a session's last-seen time is written (not on every request) */
const TOUCH_EVERY_MS = MINUTE;
const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export interface NewConsoleSession {
  token: string;
  expiresAt: string;
}

/**
 * Console sessions: a random 256-bit token in an HttpOnly cookie, only its SHA-256 in the
 * database (shared by every central node, so any node resolves it). A session ends at sign-out,
 * after `sessionIdleMinutes` without a request, or `sessionMaxHours` after sign-in.
 */
@Injectable()
export class CentralSessionService {
  /** the clock; tests move it */
  now: () => Date = () => new Date();

  constructor(
    private readonly ds: DataSource,
    @Inject(CENTRAL_CONFIG) private readonly config: Pick<CentralConfig, 'sessionIdleMinutes' | 'sessionMaxHours'>,
  ) {}

  async create(userName: string, role: ConsoleRole): Promise<NewConsoleSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.config.sessionMaxHours * 60 * MINUTE).toISOString();
    await this.ds.query(sql(`INSERT INTO central_session (token_hash, user_name, role, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`), [
      digest(token),
      userName,
      role,
      now.toISOString(),
      now.toISOString(),
      expiresAt,
    ]);
    return { token, expiresAt };
  }

  /** The session's principal; null when the token is unknown, ended, idle too long, past its end, or its account is disabled. */
  async resolve(token: string): Promise<CentralPrincipal | null> {
    const [s] = await this.ds.query(
      sql(`SELECT s.user_name, u.role, s.last_seen_at, s.expires_at, s.ended_at, u.disabled
       FROM central_session s JOIN central_user u ON u.name = s.user_name WHERE s.token_hash = ?`),
      [digest(token)],
    );
    if (!s || s.ended_at || Number(s.disabled) === 1) return null;
    const now = this.now().getTime();
    const lastSeen = new Date(s.last_seen_at).getTime();
    if (now >= new Date(s.expires_at).getTime() || now >= lastSeen + this.config.sessionIdleMinutes * MINUTE) return null;
    if (now - lastSeen >= TOUCH_EVERY_MS) {
      await this.ds.query(sql(`UPDATE central_session SET last_seen_at = ? WHERE token_hash = ?`), [new Date(now).toISOString(), digest(token)]);
    }
    // the account's role now, not the one at sign-in
    return { name: s.user_name, role: s.role, via: 'session', expiresAt: s.expires_at };
  }

  async end(token: string): Promise<void> {
    await this.ds.query(sql(`UPDATE central_session SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL`), [this.now().toISOString(), digest(token)]);
  }
}
