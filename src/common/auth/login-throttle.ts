/**
 * Slows down password guessing: after `limit` failed logins for one name within `windowMs`,
 * that name is refused for `windowMs` (memory only; a restart forgets, which is acceptable on a
 * station reachable from the line's network only).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds until `name` may try again; 0 when it may now. */
  blockedFor(name: string, now: number): number {
    const recent = this.recent(name, now);
    return recent.length >= this.limit ? recent[recent.length - this.limit] + this.windowMs - now : 0;
  }

  failed(name: string, now: number): void {
    this.failures.set(name, [...this.recent(name, now), now]);
  }

  succeeded(name: string): void {
    this.failures.delete(name);
  }

  private recent(name: string, now: number): number[] {
    const list = (this.failures.get(name) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(name, list);
    else this.failures.delete(name);
    return list;
  }
}
