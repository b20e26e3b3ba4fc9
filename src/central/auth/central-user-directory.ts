import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from '../../common/database-dialect.js';
import { InvalidInputError } from '../../common/domain-error.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../common/auth/password.js';
import { CONSOLE_ROLES, type ConsoleRole } from './central-roles.js';
import { ConsoleUserExistsError, ConsoleUserNotFoundError, ConsoleWeakPasswordError } from './central-auth.errors.js';

export interface ConsoleUser {
  name: string;
  role: ConsoleRole;
  disabled: boolean;
  createdAt: string;
}

export const CONSOLE_USER_NAME = /^[a-z][a-z0-9._-]{1,31}$/;

/**
 * Central's console accounts, used by the running central and by the `central:user` CLI (which
 * needs only the database). Every change is a central_user_event; a changed password or a
 * disabled account ends that user's sessions in the same transaction.
 */
@Injectable()
export class CentralUserDirectory {
  constructor(private readonly ds: DataSource) {}

  async add(name: string, role: ConsoleRole, password: string, actor: string): Promise<ConsoleUser> {
    if (!CONSOLE_USER_NAME.test(name)) throw new InvalidInputError('user name: 2–32 characters, lower-case letters, digits, ".", "_" or "-", starting with a letter');
    if (!CONSOLE_ROLES.includes(role)) throw new InvalidInputError(`role must be one of ${CONSOLE_ROLES.join(', ')}`);
    checkPassword(password);
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    await this.ds.transaction(async (m) => {
      const [existing] = await m.query(sql(`SELECT name FROM central_user WHERE name = ?`), [name]);
      if (existing) throw new ConsoleUserExistsError(`user ${name} already exists`);
      await m.query(sql(`INSERT INTO central_user (name, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)`), [name, role, hash, now, now]);
      await m.query(sql(`INSERT INTO central_user_event (at, user_name, kind, outcome, address, detail) VALUES (?, ?, 'user-changed', 'ok', NULL, ?)`), [now, name, `added with role ${role} by ${actor}`]);
    });
    return { name, role, disabled: false, createdAt: now };
  }

  async setPassword(name: string, password: string, actor: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password);
    await this.change(name, `password changed by ${actor}`, `UPDATE central_user SET password_hash = ?, updated_at = ? WHERE name = ?`, [hash]);
  }

  async setDisabled(name: string, disabled: boolean, actor: string): Promise<void> {
    await this.change(name, `${disabled ? 'disabled' : 'enabled'} by ${actor}`, `UPDATE central_user SET disabled = ?, updated_at = ? WHERE name = ?`, [disabled ? 1 : 0]);
  }

  async list(): Promise<ConsoleUser[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(sql(`SELECT name, role, disabled, created_at FROM central_user ORDER BY name`));
    return rows.map((r) => ({ name: String(r.name), role: r.role as ConsoleRole, disabled: Number(r.disabled) === 1, createdAt: String(r.created_at) }));
  }

  /** The account and its hash, for a sign-in; null for an unknown name. */
  async credentials(name: string): Promise<{ user: ConsoleUser; passwordHash: string } | null> {
    const [r] = await this.ds.query(sql(`SELECT name, role, disabled, created_at, password_hash FROM central_user WHERE name = ?`), [name]);
    if (!r) return null;
    return { user: { name: r.name, role: r.role, disabled: Number(r.disabled) === 1, createdAt: r.created_at }, passwordHash: r.password_hash };
  }

  private async change(name: string, what: string, statement: string, params: unknown[]): Promise<void> {
    const now = new Date().toISOString();
    await this.ds.transaction(async (m) => {
      const [existing] = await m.query(sql(`SELECT name FROM central_user WHERE name = ?`), [name]);
      if (!existing) throw new ConsoleUserNotFoundError(`no user ${name}`);
      await m.query(sql(statement), [...params, now, name]);
      await m.query(sql(`INSERT INTO central_user_event (at, user_name, kind, outcome, address, detail) VALUES (?, ?, 'user-changed', 'ok', NULL, ?)`), [now, name, what]);
      await m.query(sql(`UPDATE central_session SET ended_at = ? WHERE user_name = ? AND ended_at IS NULL`), [now, name]);
    });
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new ConsoleWeakPasswordError(`password: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 256) throw new ConsoleWeakPasswordError('password: at most 256 characters');
}
