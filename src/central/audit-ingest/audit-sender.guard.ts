import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { BearerGuard, ROLES_KEY, type CentralPrincipal, type CentralRole } from '../auth/bearer.guard.js';
import { CENTRAL_CONFIG, CentralConfig } from '../../config/central-config.js';
import { StationClientCertificate } from './station-client-certificate.js';
import { CentralPkiService } from '../ca/central-pki.service.js';

export type AuditRequest = IncomingMessage & { principal?: CentralPrincipal; headers: Record<string, string | undefined>; authenticatedBy?: 'client-certificate' | 'token' };

/**
 * Who delivers audit batches: a station by its TLS client certificate from the Management CA
 * (the online sync over HTTPS), a station by its API token, or the brand owner by its token
 * (a batch file carried from an air-gapped station). docs/decisions/0008.
 */
@Injectable()
export class AuditSenderGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerGuard,
    pki: CentralPkiService,
    @Inject(CENTRAL_CONFIG) private readonly config: CentralConfig,
  ) {
    this.certificates = new StationClientCertificate(pki);
  }

  private readonly certificates: StationClientCertificate;

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuditRequest>();
    const roles = this.reflector.getAllAndOverride<CentralRole[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]) ?? [];
    const certified = await this.certificates.stationOf(req, this.config.stations.map((s) => s.stationId));
    if (req.headers.authorization) {
      await this.bearer.canActivate(ctx);
      // a token and a certificate that name different stations are not one sender
      if (certified && req.principal?.role === 'station' && req.principal.stationId !== certified) {
        throw new ForbiddenException(`the API token is station ${req.principal.stationId}'s, the client certificate station ${certified}'s`);
      }
      req.authenticatedBy = 'token';
      return true;
    }
    if (!certified) throw new UnauthorizedException('missing bearer token or station client certificate');
    if (!roles.includes('station')) throw new ForbiddenException('a station may not do this');
    req.principal = { role: 'station', name: `station:${certified}`, via: 'certificate', stationId: certified };
    req.authenticatedBy = 'client-certificate';
    return true;
  }
}
