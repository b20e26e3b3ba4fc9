import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';

/**
 * Supervisor actions need the supervisor's token (Authorization: Bearer …), checked by the
 * server. A station configured without one has no supervisor actions at all.
 */
@Injectable()
export class SupervisorGuard implements CanActivate {
  constructor(@Inject(STATION_CONFIG) private readonly config: StationConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const expected = this.config.supervisorToken;
    if (!expected) throw new ForbiddenException('no supervisor is configured on this station');
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new UnauthorizedException('supervisor token required');
    if (token.length !== expected.length || !timingSafeEqual(Buffer.from(token), Buffer.from(expected))) {
      throw new ForbiddenException('not a supervisor');
    }
    return true;
  }
}
