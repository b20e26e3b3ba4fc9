/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page can
 * make the browser send it, RFC 6265bis §5.4.7), Path=/ and no Max-Age, so it is gone with the
 * browser; the server enforces the session's own expiry.
 */
export const SESSION_COOKIE = 'station_session';

export function readSessionCookie(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null;
    }
  }
  return null;
}

export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}
