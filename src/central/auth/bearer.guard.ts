import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, UnauthorizedException, ForbiddenException, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import { CENTRAL_CONFIG, CentralConfig } from '../../config/central-config.js';
import { CentralSessionService } from './central-session.service.js';
import { readCentralSessionCookie } from './central-session-cookie.js';
import type { CentralPrincipal, CentralRole } from './central-roles.js';

export type { CentralPrincipal, CentralRole } from './central-roles.js';
export const ROLES_KEY = 'central-roles';
/** The roles that may use a route (also stated in the OpenAPI document as x-roles). A route without it is public. */
export const Roles = (...roles: CentralRole[]) => applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-roles', roles));

export interface CentralRequest {
  method: string;
  headers: Record<string, string | undefined>;
  principal?: CentralPrincipal;
  sessionToken?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Every central route that declares roles passes here. Automation sends
 * `Authorization: Bearer` (the brand owner's adminToken, each station's token); people on the
 * console send the session cookie. Tokens are compared as SHA-256 digests with timingSafeEqual
 * against every configured token, so neither length nor position leaks. The console only hides
 * what a role may not do; this guard is what refuses it.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  private readonly tokens: Array<{ digest: Buffer; principal: CentralPrincipal }>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(CENTRAL_CONFIG) config: CentralConfig,
    private readonly sessions: CentralSessionService,
  ) {
    this.tokens = [
      { digest: sha256(config.adminToken), principal: { role: 'brand-owner', name: 'token:brand-owner', via: 'token' } },
      ...config.stations.map((s) => ({ digest: sha256(s.apiToken), principal: { role: 'station' as const, name: `station:${s.stationId}`, via: 'token' as const, stationId: s.stationId } })),
    ];
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const roles = this.reflector.getAllAndOverride<CentralRole[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!roles) return true;
    const req = ctx.switchToHttp().getRequest<CentralRequest>();
    const principal = await this.authenticate(req);
    if (!roles.includes(principal.role)) throw new ForbiddenException(`role ${principal.role} may not do this`);
    req.principal = principal;
    return true;
  }

  private async authenticate(req: CentralRequest): Promise<CentralPrincipal> {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      const presented = sha256(bearer);
      let found: CentralPrincipal | null = null;
      for (const t of this.tokens) if (timingSafeEqual(presented, t.digest) && !found) found = t.principal;
      if (!found) throw new UnauthorizedException('unknown token');
      return found;
    }
    const token = readCentralSessionCookie(req.headers.cookie);
    if (!token) throw new UnauthorizedException('missing bearer token or session: sign in first');
    const principal = await this.sessions.resolve(token);
    if (!principal) throw new UnauthorizedException('your session has ended: sign in again');
    // a cookie-borne request that changes something must come from central's own pages
    // (SameSite=Strict stops other sites; the Origin check also stops a sibling port on this host)
    if (!SAFE_METHODS.has(req.method) && req.headers.origin && !sameOrigin(req.headers.origin, req.headers.host)) {
      throw new ForbiddenException('request from another origin refused');
    }
    req.sessionToken = token;
    return principal;
  }
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
