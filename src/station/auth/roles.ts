import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/** Station roles (system.md §8): a supervisor may do everything an operator may, and more. */
export const STATION_ROLES = ['operator', 'supervisor'] as const;
export type StationRole = (typeof STATION_ROLES)[number];

const RANK: Record<StationRole, number> = { operator: 1, supervisor: 2 };

export function roleAllows(has: StationRole, needs: StationRole): boolean {
  return RANK[has] >= RANK[needs];
}

/** Who made a request: a signed-in user, or an automation token from the configuration. */
export interface Principal {
  name: string;
  role: StationRole;
  via: 'session' | 'token';
  /** the session's expiry, for sessions */
  expiresAt?: string;
}

export const REQUIRED_ROLE = 'station:required-role';
export const PUBLIC_ROUTE = 'station:public-route';

/** The least role a route needs (also stated in the OpenAPI document as x-required-role). Routes without it need an operator. */
export const RequiresRole = (role: StationRole) => applyDecorators(SetMetadata(REQUIRED_ROLE, role), ApiExtension('x-required-role', role));

/** A route anyone may reach: the login form, the UI's static files. */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);
