/**
 * Two linked in-memory transports: what one end writes, the other end receives. Real code (not a
 * mock) so unit tests exercise the same contract as the serial adapter, including chunking:
 * `maxChunk` splits every write into pieces the way a UART or USB-CDC link does.
 */
import { JigDisconnectedError } from '../jig.errors.js';
import { TransportListeners, type JigTransport } from './jig-transport.port.js';

export interface InMemoryPairOptions {
  description?: string;
  /** Deliver writes in pieces of at most this many bytes (default: whole writes). */
  maxChunk?: number;
}

export class InMemoryJigTransport implements JigTransport {
  private listeners = new TransportListeners();
  private state: 'new' | 'open' | 'closed' = 'new';
  peer: InMemoryJigTransport | undefined;
  /** Delivery is serialised so that chunks arrive in write order, never synchronously. */
  private delivery: Promise<void> = Promise.resolve();

  constructor(
    readonly description: string,
    private readonly maxChunk: number = Number.POSITIVE_INFINITY,
  ) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new JigDisconnectedError(this.description, `cannot open a transport that is ${this.state}`);
    this.state = 'open';
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.state !== 'open') throw new JigDisconnectedError(this.description, 'write on a transport that is not open');
    const copy = new Uint8Array(bytes);
    const peer = this.peer;
    const step = Math.max(1, Math.min(this.maxChunk, copy.length || 1));
    this.delivery = this.delivery.then(async () => {
      for (let offset = 0; offset < copy.length; offset += step) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        // Bytes sent to an end that is not open are lost, like on a real line.
        if (!peer?.isOpen) continue;
        try {
          peer.listeners.emitData(copy.subarray(offset, offset + step));
        } catch (error) {
          // A throwing listener is the listener's bug: surface it as an event emitter would,
          // without breaking delivery for later writes.
          process.nextTick(() => {
            throw error;
          });
        }
      }
    });
    await this.delivery;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    if (wasOpen) this.listeners.emitClose();
    // Closing one end is the other end's cable being pulled.
    this.peer?.hangUp();
  }

  /** The other end went away: close with an error, as a serial port does on unplug. */
  hangUp(): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    if (wasOpen) this.listeners.emitClose(new Error('peer closed the line'));
  }
}

export function createInMemoryJigTransportPair(options: InMemoryPairOptions = {}): {
  station: InMemoryJigTransport;
  device: InMemoryJigTransport;
} {
  const name = options.description ?? 'in-memory';
  const station = new InMemoryJigTransport(`${name} (station end)`, options.maxChunk);
  const device = new InMemoryJigTransport(`${name} (device end)`, options.maxChunk);
  station.peer = device;
  device.peer = station;
  return { station, device };
}
