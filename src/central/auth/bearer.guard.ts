import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, UnauthorizedException, ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { CENTRAL_CONFIG, CentralConfig } from '../../config/central-config.js';

export type CentralRole = 'brand-owner' | 'station';
export const ROLES_KEY = 'central-roles';
export const Roles = (...roles: CentralRole[]) => SetMetadata(ROLES_KEY, roles);

export interface CentralPrincipal {
  role: CentralRole;
  stationId?: string;
}

const same = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * API tokens for the brand owner and for each station, checked on the server for every route
 * that declares roles. (Station-to-central mutual TLS with Management CA certificates replaces
 * the station token when audit sync lands; see docs/decisions.)
 */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CENTRAL_CONFIG) private readonly config: CentralConfig,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<CentralRole[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!roles) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: CentralPrincipal }>();
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new UnauthorizedException('missing bearer token');
    let principal: CentralPrincipal | null = null;
    if (same(token, this.config.adminToken)) principal = { role: 'brand-owner' };
    const station = this.config.stations.find((s) => same(token, s.apiToken));
    if (station) principal = { role: 'station', stationId: station.stationId };
    if (!principal) throw new UnauthorizedException('unknown token');
    if (!roles.includes(principal.role)) throw new ForbiddenException(`role ${principal.role} may not do this`);
    req.principal = principal;
    return true;
  }
}
