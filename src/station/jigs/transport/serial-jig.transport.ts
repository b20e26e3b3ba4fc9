/**
 * Jig transport over a serial port (USB-CDC or RS-232), via serialport. The only file of the
 * product that imports serialport (conventions: services reach hardware only through ports).
 * Name ports by stable physical path (/dev/serial/by-path/...) so a jig keeps its identity
 * across reboots (system.md §5).
 */
import { stat } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { DEFAULT_BAUD_RATE } from '../protocol/constants.js';
import { JigDisconnectedError } from '../jig.errors.js';
import { TransportListeners, type JigTransport } from './jig-transport.port.js';

export interface SerialJigTransportOptions {
  path: string;
  /** Default 115200 8N1, no flow control. A pty ignores the rate; a real UART needs both ends to agree. */
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  rtscts?: boolean;
  /**
   * How often to check that the device node is still the one that was opened (default 500 ms;
   * 0: never). A USB-serial adapter that is unplugged usually fails the next read, but a pty
   * whose master went away, or a node that udev re-created for a re-plugged adapter, only
   * shows on the next write: the check turns either into a close with an error at once.
   */
  presenceCheckMs?: number;
}

export class SerialJigTransport implements JigTransport {
  readonly description: string;
  private readonly listeners = new TransportListeners();
  private port: SerialPort | undefined;
  private closing = false;
  private presenceTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SerialJigTransportOptions) {
    this.description = options.path;
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true && !this.listeners.isClosed;
  }

  async open(): Promise<void> {
    if (this.port) throw new JigDisconnectedError(this.description, 'this transport was already opened once');
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate ?? DEFAULT_BAUD_RATE,
      dataBits: this.options.dataBits ?? 8,
      parity: this.options.parity ?? 'none',
      stopBits: this.options.stopBits ?? 1,
      rtscts: this.options.rtscts ?? false,
      autoOpen: false,
    });
    this.port = port;
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error ? reject(new JigDisconnectedError(this.description, `cannot open: ${error.message}`, { cause: error })) : resolve(),
      ),
    );
    const opened = await nodeIdentity(this.options.path);
    port.on('data', (chunk: Buffer) => this.listeners.emitData(chunk));
    // serialport emits 'close' with a DisconnectedError when the device vanishes (USB unplug).
    port.on('close', (error?: Error | null) => {
      this.stopPresenceCheck();
      this.listeners.emitClose(this.closing ? undefined : (error ?? new Error('port closed')));
    });
    // Write errors also arrive here; the close event that follows a disconnect carries the story.
    port.on('error', (error: Error) => {
      if (!port.isOpen) this.lineLost(error.message);
    });
    const every = this.options.presenceCheckMs ?? 500;
    if (every > 0 && opened) {
      this.presenceTimer = setInterval(() => {
        void nodeIdentity(this.options.path).then((now) => {
          if (now !== opened) this.lineLost(now ? 'the device node now belongs to another device (re-plugged)' : 'the device node went away (unplugged)');
        });
      }, every);
      this.presenceTimer.unref();
    }
  }

  /** The line went away underneath: release the port and report the close with the reason. */
  private lineLost(reason: string): void {
    this.stopPresenceCheck();
    if (this.listeners.isClosed) return;
    this.listeners.emitClose(new Error(reason));
    const port = this.port;
    if (port?.isOpen) port.close(() => undefined);
  }

  private stopPresenceCheck(): void {
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.presenceTimer = undefined;
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port || !this.isOpen) throw new JigDisconnectedError(this.description, 'write on a port that is not open');
    await new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (error) => {
        if (error) reject(new JigDisconnectedError(this.description, `write failed: ${error.message}`, { cause: error }));
      });
      // drain() waits until the OS took the bytes, so a resolved write means "on its way".
      port.drain((error) =>
        error ? reject(new JigDisconnectedError(this.description, `write failed: ${error.message}`, { cause: error })) : resolve(),
      );
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  async close(): Promise<void> {
    const port = this.port;
    this.stopPresenceCheck();
    if (!port || this.listeners.isClosed) return;
    this.closing = true;
    if (!port.isOpen) {
      this.listeners.emitClose();
      return;
    }
    await new Promise<void>((resolve) => port.close(() => resolve()));
    this.listeners.emitClose();
  }
}

/** Which device a path leads to now (major/minor and inode through symlinks); undefined when none. */
async function nodeIdentity(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return `${s.rdev}:${s.ino}`;
  } catch {
    return undefined;
  }
}
