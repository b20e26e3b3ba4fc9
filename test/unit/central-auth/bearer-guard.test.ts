import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { BearerGuard, type CentralRequest } from '../../../src/central/auth/bearer.guard.js';
import type { CentralSessionService } from '../../../src/central/auth/central-session.service.js';
import type { CentralConfig } from '../../../src/config/central-config.js';
import type { CentralPrincipal, CentralRole } from '../../../src/central/auth/central-roles.js';

const config = { adminToken: 'admin-token-123', stations: [{ stationId: 'line-1', apiToken: 'station-token-1' }] } as CentralConfig;
const SESSION = 'a'.repeat(43);
/** a session store holding one session: an auditor's */
const sessions = { resolve: async (t: string): Promise<CentralPrincipal | null> => (t === SESSION ? { name: 'aldo', role: 'auditor', via: 'session' } : null) } as unknown as CentralSessionService;

function run(roles: CentralRole[] | undefined, req: Partial<CentralRequest>) {
  const reflector = { getAllAndOverride: () => roles } as unknown as Reflector;
  const guard = new BearerGuard(reflector, config, sessions);
  const request = { method: 'GET', headers: {}, ...req } as CentralRequest;
  const ctx = { getHandler: () => null, getClass: () => null, switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return guard.canActivate(ctx).then((ok) => ({ ok, principal: request.principal }));
}

describe('central guard: tokens and console sessions', () => {
  it('ok a route without roles is public', async () => {
    assert.equal((await run(undefined, {})).ok, true);
  });

  it('ok the brand owner\'s token acts as brand owner; a station token as its station', async () => {
    assert.deepEqual((await run(['brand-owner'], { headers: { authorization: 'Bearer admin-token-123' } })).principal, { role: 'brand-owner', name: 'token:brand-owner', via: 'token' });
    assert.equal((await run(['station'], { headers: { authorization: 'Bearer station-token-1' } })).principal?.stationId, 'line-1');
  });

  it('ok a session cookie signs in its user with the role of the account', async () => {
    const r = await run(['brand-owner', 'auditor'], { headers: { cookie: `other=1; central_session=${SESSION}` } });
    assert.equal(r.principal?.name, 'aldo');
  });

  it('fail no credentials, an unknown token or an ended session: 401', async () => {
    await assert.rejects(run(['brand-owner'], {}), UnauthorizedException);
    await assert.rejects(run(['brand-owner'], { headers: { authorization: 'Bearer admin-token-12' } }), UnauthorizedException);
    await assert.rejects(run(['brand-owner'], { headers: { cookie: `central_session=${'b'.repeat(43)}` } }), UnauthorizedException);
  });

  it('fail an auditor on a brand-owner route, and a station on a console route: 403', async () => {
    await assert.rejects(run(['brand-owner'], { method: 'POST', headers: { cookie: `central_session=${SESSION}` } }), ForbiddenException);
    await assert.rejects(run(['brand-owner', 'auditor'], { headers: { authorization: 'Bearer station-token-1' } }), ForbiddenException);
  });

  it('fail a cookie-borne change from another origin: 403', async () => {
    const cookie = `central_session=${SESSION}`;
    await assert.rejects(run(['auditor'], { method: 'POST', headers: { cookie, origin: 'http://127.0.0.1:9999', host: '127.0.0.1:8443' } }), ForbiddenException);
    assert.equal((await run(['auditor'], { method: 'POST', headers: { cookie, origin: 'http://127.0.0.1:8443', host: '127.0.0.1:8443' } })).ok, true);
  });
});
