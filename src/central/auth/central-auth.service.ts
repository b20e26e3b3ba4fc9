import { Injectable } from '@nestjs/common';
import { decoyHash, verifyPassword } from '../../common/auth/password.js';
import { LoginThrottle } from '../../common/auth/login-throttle.js';
import { CentralUserDirectory } from './central-user-directory.js';
import { CentralSessionService, type NewConsoleSession } from './central-session.service.js';
import { CentralUserEvents } from './central-user-events.js';
import { ConsoleLoginFailedError, ConsoleLoginThrottledError } from './central-auth.errors.js';
import type { CentralPrincipal } from './central-roles.js';

/**
 * Sign-in and sign-out on central's console. Every attempt is a central_user_event (login,
 * login-failed with the reason, logout), so the brand owner sees who was at the controls.
 */
@Injectable()
export class CentralAuthService {
  private readonly throttle = new LoginThrottle();

  constructor(
    private readonly users: CentralUserDirectory,
    private readonly sessions: CentralSessionService,
    private readonly events: CentralUserEvents,
  ) {}

  async login(name: string, password: string, address: string): Promise<NewConsoleSession & { principal: CentralPrincipal }> {
    const now = this.sessions.now().getTime();
    const wait = this.throttle.blockedFor(name, now);
    if (wait > 0) {
      await this.events.record({ userName: name, kind: 'login-failed', outcome: 'refused', address, detail: 'too many failed attempts' });
      throw new ConsoleLoginThrottledError(`too many failed sign-ins for ${name}: try again in ${Math.ceil(wait / 1000)} s`);
    }
    const found = await this.users.credentials(name);
    // an unknown name costs the same scrypt as a wrong password (no enumeration by timing)
    const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
    if (!found || !ok || found.user.disabled) {
      this.throttle.failed(name, now);
      const why = !found ? 'unknown user' : found.user.disabled ? 'account disabled' : 'wrong password';
      await this.events.record({ userName: name, kind: 'login-failed', outcome: 'refused', address, detail: why });
      throw new ConsoleLoginFailedError('wrong user name or password');
    }
    this.throttle.succeeded(name);
    const session = await this.sessions.create(name, found.user.role);
    await this.events.record({ userName: name, kind: 'login', address, detail: `${found.user.role} signed in` });
    return { ...session, principal: { name, role: found.user.role, via: 'session', expiresAt: session.expiresAt } };
  }

  async logout(principal: CentralPrincipal, token: string, address: string): Promise<void> {
    await this.sessions.end(token);
    await this.events.record({ userName: principal.name, kind: 'logout', address, detail: `${principal.role} signed out` });
  }
}
