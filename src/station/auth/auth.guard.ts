import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HealthController } from '../../common/health.controller.js';
import { ApiTokens } from './api-tokens.js';
import { SessionService } from './session.service.js';
import { readSessionCookie } from './session-cookie.js';
import { PUBLIC_ROUTE, REQUIRED_ROLE, roleAllows, type Principal, type StationRole } from './roles.js';

export interface AuthenticatedRequest {
  method: string;
  headers: Record<string, string | undefined>;
  principal?: Principal;
  sessionToken?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every station route passes here (registered as the app's global guard): a route is public
 * only if it says so; any other needs a signed-in user or an automation token, and at least the
 * role the route names (operator when it names none). The UI hides what a role may not do, but
 * this guard is what refuses it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokens,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (ctx.getClass() === HealthController || this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(req);
    const needs = this.reflector.getAllAndOverride<StationRole>(REQUIRED_ROLE, targets) ?? 'operator';
    if (!roleAllows(principal.role, needs)) throw new ForbiddenException(`this needs the ${needs} role; ${principal.name} is ${principal.role === 'operator' ? 'an' : 'a'} ${principal.role}`);
    req.principal = principal;
    return true;
  }

  private async authenticate(req: AuthenticatedRequest): Promise<Principal> {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      const p = this.tokens.match(bearer);
      if (!p) throw new ForbiddenException('this API token is not recognised');
      return p;
    }
    const token = readSessionCookie(req.headers.cookie);
    if (!token) throw new UnauthorizedException('sign in first');
    const p = await this.sessions.resolve(token);
    if (!p) throw new UnauthorizedException('your session has ended: sign in again');
    // a cookie-borne request that changes something must come from this station's own pages
    // (SameSite=Strict already stops other sites; the Origin check also stops a sibling port)
    if (!SAFE_METHODS.has(req.method) && req.headers.origin && !sameOrigin(req.headers.origin, req.headers.host)) {
      throw new ForbiddenException('request from another origin refused');
    }
    req.sessionToken = token;
    return p;
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
