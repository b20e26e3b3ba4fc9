/**
 * The station's side of the jig protocol over one transport (one jig, all its slots).
 *
 * The wire is shared by every slot of the jig and a device may be slow, so the client keeps one
 * request outstanding at a time (an internal FIFO queue): answers can then be matched by seq
 * alone, and a late or stray answer can never be taken for another request's.
 */
import { randomInt } from 'node:crypto';
import { InvalidInputError } from '../../common/domain-error.js';
import type { KeyAlgorithm } from '../../pki/key-algorithm.js';
import { DEFAULT_INTER_FRAME_TIMEOUT_MS, JIG_CONTROLLER_SLOT, MAX_DEVICE_SLOT } from './protocol/constants.js';
import { defaultRequestTimeoutMs } from './request-timeouts.js';
import { encodeFrame } from './protocol/frame.js';
import { FrameDecoder, type DecodedItem } from './protocol/frame-decoder.js';
import { encodeRequest, type HelloAnswer, type JigAnswer, type JigInfoAnswer, type JigRequest } from './protocol/messages.js';
import { JigDisconnectedError } from './jig.errors.js';
import type { JigTransport } from './transport/jig-transport.port.js';
import { RequestExchange } from './request-exchange.js';

export interface JigClientOptions {
  /** Line speed, used only to scale the default timeouts. Default 115200. */
  baudRate?: number;
  /** Per-try timeout for every request; by default computed per request by defaultRequestTimeoutMs. */
  requestTimeoutMs?: number;
  /** Retransmissions after the first try (same seq). Default 2, i.e. 3 tries. */
  retries?: number;
  /** Gap that ends a partial frame, and quiet time before retransmitting after a corrupt one. Default 100. */
  interFrameTimeoutMs?: number;
  /** Wait before retransmitting after a BUSY NACK. Default 250. */
  busyBackoffMs?: number;
  /** First seq; random by default so a restarted station does not repeat its predecessor's seqs. */
  initialSeq?: number;
}

export type JigInfo = Omit<JigInfoAnswer, 'type'>;
export type DeviceHello = Omit<HelloAnswer, 'type'>;
export interface StoredCertificates {
  certificate: Uint8Array;
  chain: Uint8Array[];
}

export { defaultRequestTimeoutMs } from './request-timeouts.js';

export class JigClient {
  private readonly decoder: FrameDecoder;
  private readonly unsubscribe: Array<() => void> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private current: RequestExchange | undefined;
  private seq: number;
  private disconnected: JigDisconnectedError | undefined;

  /** Opens the transport and returns a client over it. */
  static async open(transport: JigTransport, options: JigClientOptions = {}): Promise<JigClient> {
    await transport.open();
    return new JigClient(transport, options);
  }

  /** Wraps a transport that is open (or will be opened before the first request). */
  constructor(
    private readonly transport: JigTransport,
    private readonly options: JigClientOptions = {},
  ) {
    this.seq = options.initialSeq ?? randomInt(0, 0x10000);
    this.decoder = new FrameDecoder({ interFrameTimeoutMs: options.interFrameTimeoutMs });
    this.decoder.on('data', (item: DecodedItem) => this.current?.onItem(item));
    this.unsubscribe.push(
      transport.onData((chunk) => this.decoder.write(chunk)),
      transport.onClose((error) =>
        this.markDisconnected(new JigDisconnectedError(transport.description, error ? error.message : 'the line was closed', { cause: error })),
      ),
    );
  }

  get description(): string {
    return this.transport.description;
  }

  async jigInfo(): Promise<JigInfo> {
    const { type: _type, ...info } = await this.exchange(JIG_CONTROLLER_SLOT, { type: 'JIG_INFO' }, 'JIG_INFO');
    return info;
  }

  async hello(slot: number): Promise<DeviceHello> {
    const { type: _type, ...hello } = await this.exchange(deviceSlot(slot), { type: 'HELLO' }, 'HELLO');
    return hello;
  }

  /** Asks the device for a CSR (DER); the device creates its key on the first call only. */
  async requestCsr(slot: number, algorithm: KeyAlgorithm): Promise<Uint8Array> {
    return (await this.exchange(deviceSlot(slot), { type: 'CSR_REQUEST', algorithm }, 'CSR_REQUEST')).csr;
  }

  /** Stores the birth certificate and its chain (issuing CA first, towards the root) on the device. */
  async inject(slot: number, certificate: Uint8Array, chain: Uint8Array[]): Promise<void> {
    if (certificate.length === 0) throw new InvalidInputError('cannot inject an empty certificate');
    await this.exchange(deviceSlot(slot), { type: 'INJECT', certificate, chain }, 'INJECT');
  }

  async readBack(slot: number): Promise<StoredCertificates> {
    const { certificate, chain } = await this.exchange(deviceSlot(slot), { type: 'READ_BACK' }, 'READ_BACK');
    return { certificate, chain };
  }

  /** Makes the device refuse any further CSR_REQUEST / INJECT. Idempotent on the device. */
  async lock(slot: number): Promise<void> {
    await this.exchange(deviceSlot(slot), { type: 'LOCK' }, 'LOCK');
  }

  /** Fails queued and outstanding requests with JigDisconnectedError and closes the transport. */
  async close(): Promise<void> {
    this.markDisconnected(new JigDisconnectedError(this.transport.description, 'the station closed the connection'));
    for (const off of this.unsubscribe.splice(0)) off();
    this.decoder.destroy();
    await this.transport.close();
  }

  private exchange<T extends JigRequest['type']>(
    slot: number,
    request: JigRequest,
    expected: T,
  ): Promise<Extract<JigAnswer, { type: T }>> {
    // Encode before queueing, so an oversized request fails at once and never reaches the wire.
    const encoded = encodeRequest(request);
    const run = async (): Promise<Extract<JigAnswer, { type: T }>> => {
      if (this.disconnected) throw this.disconnected;
      this.seq = (this.seq + 1) & 0xffff;
      const exchange = new RequestExchange({
        context: { jig: this.transport.description, slot, requestType: expected },
        seq: this.seq,
        frame: encodeFrame({ type: encoded.type, slot, seq: this.seq, payload: encoded.payload }),
        timeoutMs: this.options.requestTimeoutMs ?? defaultRequestTimeoutMs(request, this.options.baudRate),
        maxTries: 1 + (this.options.retries ?? 2),
        quietGapMs: this.options.interFrameTimeoutMs ?? DEFAULT_INTER_FRAME_TIMEOUT_MS,
        busyBackoffMs: this.options.busyBackoffMs ?? 250,
        send: (bytes) => this.transport.write(bytes),
      });
      this.current = exchange;
      try {
        // RequestExchange only resolves with an answer of the request's own type.
        return (await exchange.start()) as Extract<JigAnswer, { type: T }>;
      } finally {
        this.current = undefined;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private markDisconnected(error: JigDisconnectedError): void {
    if (this.disconnected) return;
    this.disconnected = error;
    this.current?.onDisconnect(error);
  }
}

function deviceSlot(slot: number): number {
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_DEVICE_SLOT) {
    throw new InvalidInputError(`device slot must be an integer 0..${MAX_DEVICE_SLOT}, got ${slot}`);
  }
  return slot;
}
