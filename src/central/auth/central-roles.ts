/** People on central's console (system.md §8): the brand owner acts; the auditor only reads. */
export const CONSOLE_ROLES = ['brand-owner', 'auditor'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** Everyone central knows: console users and the stations' automation tokens. */
export type CentralRole = ConsoleRole | 'station';

/** Who made a request: a signed-in person, the brand owner's API token or a station's token. */
export interface CentralPrincipal {
  role: CentralRole;
  /** the user name for a session; `token:brand-owner` or `station:<id>` for tokens */
  name: string;
  via: 'session' | 'token' | 'certificate';
  stationId?: string;
  /** the session's absolute end, for sessions */
  expiresAt?: string;
}
