/**
 * Jig transport over TCP: for jigs behind a serial-to-Ethernet bridge, and for the device
 * simulator's `--tcp` mode. The station end connects; the simulator wraps accepted sockets.
 */
import { Socket, createConnection } from 'node:net';
import { JigDisconnectedError } from '../jig.errors.js';
import { TransportListeners, type JigTransport } from './jig-transport.port.js';

export class TcpJigTransport implements JigTransport {
  readonly description: string;
  private readonly listeners = new TransportListeners();
  private socket: Socket | undefined;
  private closing = false;

  private constructor(
    private readonly target: { host: string; port: number } | undefined,
    accepted?: Socket,
  ) {
    this.description = target ? `tcp://${target.host}:${target.port}` : `tcp://${accepted?.remoteAddress}:${accepted?.remotePort}`;
    if (accepted) this.attach(accepted);
  }

  /** A transport that connects to host:port on open(). */
  static connect(host: string, port: number): TcpJigTransport {
    return new TcpJigTransport({ host, port });
  }

  /** Wraps a socket a server accepted; it is open already. */
  static fromAcceptedSocket(socket: Socket): TcpJigTransport {
    return new TcpJigTransport(undefined, socket);
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.listeners.isClosed && !this.socket.destroyed;
  }

  async open(): Promise<void> {
    if (this.socket || !this.target) throw new JigDisconnectedError(this.description, 'this transport was already opened once');
    const socket = createConnection({ host: this.target.host, port: this.target.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (error) =>
        reject(new JigDisconnectedError(this.description, `cannot connect: ${error.message}`, { cause: error })),
      );
    });
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    // Frames are small and latency matters more than packet count.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.listeners.emitData(chunk));
    socket.on('error', () => undefined); // the 'close' that follows reports it
    socket.on('close', (hadError) =>
      this.listeners.emitClose(this.closing ? undefined : new Error(hadError ? 'connection failed' : 'peer closed the connection')),
    );
  }

  async write(bytes: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket || !this.isOpen) throw new JigDisconnectedError(this.description, 'write on a connection that is not open');
    await new Promise<void>((resolve, reject) =>
      socket.write(bytes, (error) =>
        error ? reject(new JigDisconnectedError(this.description, `write failed: ${error.message}`, { cause: error })) : resolve(),
      ),
    );
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket || this.listeners.isClosed) return;
    this.closing = true;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 200).unref();
    });
  }
}
