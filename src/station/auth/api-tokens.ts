import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { STATION_CONFIG, StationConfig } from '../../config/station-config.js';
import type { Principal, StationRole } from './roles.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Bearer tokens for automation (line scripts, the demo, tests): each configured token acts in
 * its role under the name `token:<name>`. The legacy `supervisorToken` is the token "supervisor".
 * Compared as SHA-256 digests with timingSafeEqual, against every token, so neither a token's
 * length nor its position leaks through timing.
 */
@Injectable()
export class ApiTokens {
  private readonly tokens: Array<{ name: string; role: StationRole; digest: Buffer }>;

  constructor(@Inject(STATION_CONFIG) config: StationConfig) {
    this.tokens = (config.apiTokens ?? []).map((t) => ({ name: t.name, role: t.role, digest: sha256(t.token) }));
    if (config.supervisorToken) this.tokens.push({ name: 'supervisor', role: 'supervisor', digest: sha256(config.supervisorToken) });
  }

  match(token: string): Principal | null {
    const presented = sha256(token);
    let found: Principal | null = null;
    for (const t of this.tokens) {
      if (timingSafeEqual(presented, t.digest) && !found) found = { name: `token:${t.name}`, role: t.role, via: 'token' };
    }
    return found;
  }
}
