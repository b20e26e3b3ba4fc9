/**
 * Jig transport over a serial port (USB-CDC or RS-232), via serialport. The only file of the
 * product that imports serialport (conventions: services reach hardware only through ports).
 * Name ports by stable physical path (/dev/serial/by-path/...) so a jig keeps its identity
 * across reboots (system.md §5).
 */
import { SerialPort } from 'serialport';
import { DEFAULT_BAUD_RATE } from '../protocol/constants.js';
import { JigDisconnectedError } from '../jig.errors.js';
import { TransportListeners, type JigTransport } from './jig-transport.port.js';

export interface SerialJigTransportOptions {
  path: string;
  /** 8N1, no flow control. A pty ignores the rate; a real UART needs both ends to agree. */
  baudRate?: number;
}

export class SerialJigTransport implements JigTransport {
  readonly description: string;
  private readonly listeners = new TransportListeners();
  private port: SerialPort | undefined;
  private closing = false;

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
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      autoOpen: false,
    });
    this.port = port;
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error ? reject(new JigDisconnectedError(this.description, `cannot open: ${error.message}`, { cause: error })) : resolve(),
      ),
    );
    port.on('data', (chunk: Buffer) => this.listeners.emitData(chunk));
    // serialport emits 'close' with a DisconnectedError when the device vanishes (USB unplug).
    port.on('close', (error?: Error | null) =>
      this.listeners.emitClose(this.closing ? undefined : (error ?? new Error('port closed'))),
    );
    // Write errors also arrive here; the close event that follows a disconnect carries the story.
    port.on('error', (error: Error) => {
      if (!port.isOpen) this.listeners.emitClose(error);
    });
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
