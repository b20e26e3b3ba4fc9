import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './auth.guard.js';
import type { Principal } from './roles.js';

/** The principal the AuthGuard authenticated for this request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!p) throw new Error('CurrentPrincipal on a public route');
  return p;
});

/**
 * The actor to record for a supervisor action: the signed-in user; for an automation token,
 * the name the caller gave (if any) with the token it came through.
 */
export function actorOf(p: Principal, claimedName?: string): string {
  return p.via === 'token' && claimedName ? `${claimedName} (${p.name})` : p.name;
}
