import { DataSource } from 'typeorm';
import { Injectable } from '@nestjs/common';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../common/auth/password.js';
import { STATION_ROLES, type StationRole } from './roles.js';
import { UserExistsError, UserNotFoundError, WeakPasswordError } from './auth.errors.js';
import { InvalidInputError } from '../../common/domain-error.js';

export interface StationUser {
  name: string;
  role: StationRole;
  disabled: boolean;
  createdAt: string;
}

export const USER_NAME = /^[a-z][a-z0-9._-]{1,31}$/;

/**
 * The station's user accounts. Used by the running station and by the `station:user` CLI, so it
 * needs only the database; every change also leaves a row in station_user_change, which the
 * station enters in the audit chain (AccountAudit).
 */
@Injectable()
export class UserDirectory {
  constructor(private readonly ds: DataSource) {}

  async add(name: string, role: StationRole, password: string, actor: string): Promise<StationUser> {
    checkName(name);
    if (!STATION_ROLES.includes(role)) throw new InvalidInputError(`role must be one of ${STATION_ROLES.join(', ')}`);
    checkPassword(password);
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    await this.ds.transaction(async (m) => {
      const [existing] = await m.query(`SELECT name FROM station_user WHERE name = ?`, [name]);
      if (existing) throw new UserExistsError(`user ${name} already exists`);
      await m.query(`INSERT INTO station_user (name, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)`, [name, role, hash, now, now]);
      await m.query(`INSERT INTO station_user_change (user_name, change, actor, at) VALUES (?, ?, ?, ?)`, [name, `added with role ${role}`, actor, now]);
    });
    return { name, role, disabled: false, createdAt: now };
  }

  async setPassword(name: string, password: string, actor: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password);
    await this.change(name, actor, 'password changed', `UPDATE station_user SET password_hash = ?, updated_at = ? WHERE name = ?`, [hash]);
  }

  async setDisabled(name: string, disabled: boolean, actor: string): Promise<void> {
    await this.change(name, actor, disabled ? 'disabled' : 'enabled', `UPDATE station_user SET disabled = ?, updated_at = ? WHERE name = ?`, [disabled ? 1 : 0]);
  }

  async list(): Promise<StationUser[]> {
    const rows = await this.ds.query(`SELECT name, role, disabled, created_at AS createdAt FROM station_user ORDER BY name`);
    return rows.map((r: Record<string, unknown>) => ({ name: String(r.name), role: r.role as StationRole, disabled: r.disabled === 1, createdAt: String(r.createdAt) }));
  }

  /** The account and its hash, for a login; null for an unknown name. */
  async credentials(name: string): Promise<{ user: StationUser; passwordHash: string } | null> {
    const [r] = await this.ds.query(`SELECT name, role, disabled, created_at AS createdAt, password_hash AS hash FROM station_user WHERE name = ?`, [name]);
    if (!r) return null;
    return { user: { name: r.name, role: r.role, disabled: r.disabled === 1, createdAt: r.createdAt }, passwordHash: r.hash };
  }

  async count(): Promise<number> {
    const [r] = await this.ds.query(`SELECT COUNT(*) AS n FROM station_user`);
    return Number(r.n);
  }

  private async change(name: string, actor: string, what: string, sql: string, params: unknown[]): Promise<void> {
    const now = new Date().toISOString();
    await this.ds.transaction(async (m) => {
      const [existing] = await m.query(`SELECT name FROM station_user WHERE name = ?`, [name]);
      if (!existing) throw new UserNotFoundError(`no user ${name}`);
      await m.query(sql, [...params, now, name]);
      await m.query(`INSERT INTO station_user_change (user_name, change, actor, at) VALUES (?, ?, ?, ?)`, [name, what, actor, now]);
      // a changed password or a disabled account ends the user's sessions
      await m.query(`UPDATE station_session SET ended_at = ? WHERE user_name = ? AND ended_at IS NULL`, [now, name]);
    });
  }
}

function checkName(name: string): void {
  if (!USER_NAME.test(name)) throw new InvalidInputError('user name: 2–32 characters, lower-case letters, digits, ".", "_" or "-", starting with a letter');
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new WeakPasswordError(`password: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 256) throw new WeakPasswordError('password: at most 256 characters');
}
