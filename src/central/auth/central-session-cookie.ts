/**
 * Central's console session cookie: HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page makes the browser send it, RFC 6265bis §5.4.7), Path=/, no Max-Age (gone with the
 * browser); the server enforces the session's own expiry. Named apart from the station's cookie
 * so a browser holding both on one host never confuses them.
 */
export const CENTRAL_SESSION_COOKIE = 'central_session';

export function readCentralSessionCookie(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === CENTRAL_SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
    }
  }
  return null;
}

export const centralSessionCookie = (token: string): string => `${CENTRAL_SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
export const clearedCentralSessionCookie = (): string => `${CENTRAL_SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
