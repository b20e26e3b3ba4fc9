/**
 * The jig transport port: a byte pipe to one jig (one serial line, one TCP connection, one
 * in-memory pair). Framing, sequencing and retries live above it (protocol/, jig-client.ts);
 * a transport knows nothing about frames.
 *
 * Contract (checked by test/unit/jigs/jig-transport-contract.ts against every backend here):
 * - `open()` resolves once bytes can be written; it rejects with JigDisconnectedError when the
 *   line cannot be opened (no such device, permission, refused). Opening an open transport
 *   rejects. A transport is opened at most once: after close, make a new one.
 * - `write(bytes)` resolves when the bytes were handed to the OS (or the peer, in memory), in
 *   call order; concurrent writes never interleave their bytes. Writing to a transport that is
 *   not open rejects with JigDisconnectedError.
 * - Data listeners receive every byte the peer sent, in order, but in arbitrary chunks (a frame
 *   may arrive in 1-byte pieces or several frames in one chunk). Chunks are never empty and are
 *   the listener's to keep. Listeners are never called synchronously inside `write()`.
 * - Close listeners are called exactly once per opened transport: with no argument after a
 *   local `close()`, with an Error when the line went away underneath (unplugged, peer closed,
 *   I/O error). No data listener is called after that.
 * - `close()` is idempotent and resolves once the line is released.
 * - `onData`/`onClose` return a function that removes the listener.
 */
export interface JigTransport {
  /** Where this transport goes, for operator messages: a by-path device name or host:port. */
  readonly description: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  onClose(listener: (error?: Error) => void): () => void;
  close(): Promise<void>;
}

/** Listener bookkeeping shared by the adapters, so each enforces the contract the same way. */
export class TransportListeners {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private closed = false;

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  emitData(chunk: Uint8Array): void {
    if (this.closed || chunk.length === 0) return;
    for (const listener of [...this.dataListeners]) listener(new Uint8Array(chunk));
  }

  /** Emits close once; later calls are ignored. */
  emitClose(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of [...this.closeListeners]) listener(error);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
