import { Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.js';
import { UserDirectory } from './user-directory.js';
import { SessionService, type NewSession } from './session.service.js';
import { decoyHash, verifyPassword } from '../../common/auth/password.js';
import { LoginFailedError, LoginThrottledError } from './auth.errors.js';
import { LoginThrottle } from '../../common/auth/login-throttle.js';
import { AccountAudit } from './account-audit.js';
import type { Principal } from './roles.js';

/** Where a login came from, for the audit record. */
export interface LoginOrigin {
  address: string;
}

/**
 * Sign-in and sign-out. Every attempt is an audit record (login, login-failed, logout), so the
 * chain shows who was at the station's controls when something happened.
 */
@Injectable()
export class AuthService {
  private readonly throttle = new LoginThrottle();

  constructor(
    private readonly users: UserDirectory,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly accounts: AccountAudit,
  ) {}

  async login(name: string, password: string, origin: LoginOrigin): Promise<NewSession & { principal: Principal }> {
    // account changes made with the CLI are in the chain before anyone uses them
    await this.accounts.recordPending();
    const now = this.sessions.now().getTime();
    const wait = this.throttle.blockedFor(name, now);
    if (wait > 0) {
      await this.audit.record('login-failed', { actor: name, outcome: 'refused', detail: `login refused from ${origin.address}: too many failed attempts` });
      throw new LoginThrottledError(`too many failed sign-ins for ${name}: try again in ${Math.ceil(wait / 1000)} s`);
    }
    const found = await this.users.credentials(name);
    // an unknown name costs the same scrypt as a wrong password
    const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
    if (!found || !ok || found.user.disabled) {
      this.throttle.failed(name, now);
      const why = !found ? 'unknown user' : found.user.disabled ? 'account disabled' : 'wrong password';
      await this.audit.record('login-failed', { actor: name, outcome: 'refused', detail: `login failed from ${origin.address}: ${why}` });
      throw new LoginFailedError('wrong user name or password');
    }
    this.throttle.succeeded(name);
    const session = await this.sessions.create(name, found.user.role);
    await this.audit.record('login', { actor: name, detail: `${found.user.role} signed in from ${origin.address}` });
    return { ...session, principal: { name, role: found.user.role, via: 'session', expiresAt: session.expiresAt } };
  }

  async logout(principal: Principal, token: string): Promise<void> {
    await this.sessions.end(token);
    await this.audit.record('logout', { actor: principal.name, detail: `${principal.role} signed out` });
  }
}
