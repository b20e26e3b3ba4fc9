/**
 * One physical line to a jig (a serial port, a USB interface) that comes back by itself: when
 * the line goes away underneath (cable pulled, jig power-cycled, USB reset) the link reports it
 * and keeps trying to reopen it, with a fresh transport and a fresh client each time (a
 * transport is opened at most once, see jig-transport.port.ts). A hot-plug event shortens the
 * wait (`retryNow`); without one (serial) the link simply retries with a capped backoff.
 */
import { JigClient, type JigClientOptions } from './jig-client.js';
import { JigDisconnectedError } from './jig.errors.js';
import type { JigTransport } from './transport/jig-transport.port.js';

export type LinkState = 'connecting' | 'present' | 'absent' | 'stopped';

export interface JigLineDriver {
  /** The port's stable name (by-path device, USB VID:PID at bus-port path). */
  readonly description: string;
  /** A new, unopened transport for one connection. */
  transport(): JigTransport | Promise<JigTransport>;
  /** Calls `listener` when a device that may be this line appears (USB attach); returns an unsubscribe. */
  onArrival?(listener: () => void): () => void;
}

export interface JigLinkOptions {
  client?: JigClientOptions;
  /** First wait before reopening, doubled after each failure up to `reconnectMaxMs`. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  log?: (line: string) => void;
}

export class JigLink {
  private current: JigClient | undefined;
  private stateNow: LinkState = 'connecting';
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private delayMs: number;
  private readonly listeners = new Set<(state: LinkState, detail?: string) => void>();
  private readonly offArrival: (() => void) | undefined;

  constructor(
    private readonly driver: JigLineDriver,
    private readonly options: JigLinkOptions = {},
  ) {
    this.delayMs = options.reconnectMinMs ?? 250;
    this.offArrival = driver.onArrival?.(() => this.retryNow());
  }

  get description(): string {
    return this.driver.description;
  }

  get state(): LinkState {
    return this.stateNow;
  }

  /** Why the line is absent, for the operator. */
  get detail(): string | undefined {
    return this.lastError;
  }

  /** Opens the line once; on failure the link keeps trying in the background. */
  start(): Promise<void> {
    return this.connect();
  }

  /** The client of the line as it is now; throws JigDisconnectedError while the line is away. */
  client(): JigClient {
    if (this.stateNow === 'present' && this.current) return this.current;
    throw new JigDisconnectedError(this.driver.description, this.lastError ?? 'the line is not open yet');
  }

  /** Waits for a connection attempt in progress (e.g. at start-up) before `client()`. */
  async settled(): Promise<void> {
    await this.attempt;
  }

  onChange(listener: (state: LinkState, detail?: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something suggests the device is back (hot-plug): try now instead of waiting out the backoff. */
  retryNow(): void {
    if (this.stateNow !== 'absent') return;
    this.delayMs = this.options.reconnectMinMs ?? 250;
    this.clearTimer();
    void this.connect();
  }

  async stop(): Promise<void> {
    this.set('stopped');
    this.clearTimer();
    this.offArrival?.();
    await this.attempt?.catch(() => undefined);
    const client = this.current;
    this.current = undefined;
    await client?.close().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.attempt) return this.attempt;
    this.attempt = this.open().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  private async open(): Promise<void> {
    if (this.stateNow === 'stopped') return;
    let transport: JigTransport | undefined;
    try {
      transport = await this.driver.transport();
      const client = await JigClient.open(transport, this.options.client);
      if ((this.stateNow as LinkState) === 'stopped') {
        await client.close();
        return;
      }
      transport.onClose((error) => this.onLineClosed(client, error));
      this.current = client;
      this.delayMs = this.options.reconnectMinMs ?? 250;
      this.lastError = undefined;
      this.options.log?.(`${this.driver.description}: line open`);
      this.set('present');
    } catch (error) {
      await transport?.close().catch(() => undefined);
      this.lastError = error instanceof JigDisconnectedError ? error.message : `cannot open: ${(error as Error).message}`;
      this.set('absent', this.lastError);
      this.scheduleRetry();
    }
  }

  private onLineClosed(client: JigClient, error: Error | undefined): void {
    if (this.current !== client || this.stateNow === 'stopped') return;
    this.current = undefined;
    void client.close().catch(() => undefined);
    this.lastError = `the line went away (${error?.message ?? 'closed'})`;
    this.options.log?.(`${this.driver.description}: ${this.lastError}; reopening when it is back`);
    this.set('absent', this.lastError);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stateNow === 'stopped') return;
    this.clearTimer();
    this.timer = setTimeout(() => void this.connect(), this.delayMs);
    this.timer.unref();
    this.delayMs = Math.min(this.delayMs * 2, this.options.reconnectMaxMs ?? 2000);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(state: LinkState, detail?: string): void {
    if (this.stateNow === 'stopped' && state !== 'stopped') return;
    const changed = this.stateNow !== state;
    this.stateNow = state;
    if (changed) for (const listener of [...this.listeners]) listener(state, detail);
  }
}
