/**
 * Jig transport over a vendor-specific USB interface with one bulk IN and one bulk OUT endpoint.
 * The bytes are the jig protocol's frames, exactly as on a serial line: the protocol is
 * self-delimiting (docs/jig-protocol.md §2, §6), so bulk transfer boundaries mean nothing and
 * the station's frame decoder reassembles whatever packet sizes arrive.
 *
 * What USB adds, and how it is handled:
 * - A bulk transfer ends with a short packet; a write whose length is a multiple of
 *   wMaxPacketSize is followed by a zero-length packet so the device's read completes
 *   (USB 2.0 §5.8.3).
 * - A stalled endpoint (the device halted it) is cleared with CLEAR_FEATURE(ENDPOINT_HALT)
 *   and the transfer resumes with the bytes that did not get through; a second stall in a row,
 *   or a halt that cannot be cleared, closes the line with an error.
 * - A write the device does not take within `writeTimeoutMs` means the firmware stopped
 *   reading: the line is closed with an error (the link reopens it, docs/hardware-bring-up.md).
 * - A device that disappears (unplug, reset) fails its transfers with NO_DEVICE and is
 *   reported by the hot-plug 'detach' event: whichever comes first closes the line with an
 *   error, pending writes are refused with JigDisconnectedError and no data is delivered after.
 */
import { JigDisconnectedError } from '../jig.errors.js';
import { TransportListeners, type JigTransport } from './jig-transport.port.js';
import {
  UsbErrorCode,
  USB_TRANSFER_TYPE_BULK,
  isNoDevice,
  isStall,
  isTimeout,
  type UsbDeviceLike,
  type UsbError,
  type UsbInEndpointLike,
  type UsbInterfaceLike,
  type UsbLibraryLike,
  type UsbOutEndpointLike,
} from './usb-device.port.js';

export interface UsbJigTransportOptions {
  /** The port's stable name for operator messages, e.g. "usb 1209:4a49 at 1-2.4". */
  description: string;
  /** Finds the device when the line is opened: after every re-plug it is a new device object. */
  locate: () => Promise<UsbDeviceLike | undefined>;
  interfaceNumber?: number;
  /** Hot-plug events, so an unplug is noticed at once even when no transfer is running. */
  library?: Pick<UsbLibraryLike, 'on' | 'removeListener'>;
  /** How long the device may take to accept one OUT transfer. Default 2000 ms. */
  writeTimeoutMs?: number;
  /** IN transfers kept queued (default 2), each of 8 × wMaxPacketSize bytes. */
  inTransfers?: number;
}

type State = 'new' | 'opening' | 'open' | 'closing' | 'closed';

interface Opened {
  device: UsbDeviceLike;
  iface: UsbInterfaceLike;
  bulkIn: UsbInEndpointLike;
  bulkOut: UsbOutEndpointLike;
}

export class UsbJigTransport implements JigTransport {
  readonly description: string;
  private readonly listeners = new TransportListeners();
  private state: State = 'new';
  private line: Opened | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly pendingWrites = new Set<(error: JigDisconnectedError) => void>();
  private inStalled = false;
  private readonly onDetach = (device: UsbDeviceLike): void => {
    const mine = this.line?.device;
    if (mine && (device === mine || (device.busNumber === mine.busNumber && device.deviceAddress === mine.deviceAddress))) {
      this.lineLost('the USB device was unplugged');
    }
  };

  constructor(private readonly options: UsbJigTransportOptions) {
    this.description = options.description;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new JigDisconnectedError(this.description, 'this transport was already opened once');
    this.state = 'opening';
    try {
      this.line = await this.claim();
    } catch (error) {
      this.state = 'closed';
      throw error;
    }
    const { bulkIn, bulkOut } = this.line;
    bulkIn.timeout = 0; // a poll waits for the device as long as it takes
    bulkOut.timeout = this.options.writeTimeoutMs ?? 2000;
    bulkIn.on('data', (data) => this.listeners.emitData(data));
    bulkIn.on('error', (error) => this.onInError(error));
    bulkIn.on('end', () => this.onPollEnd());
    this.options.library?.on('detach', this.onDetach);
    this.state = 'open';
    this.startPoll();
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new JigDisconnectedError(this.description, 'write on a USB line that is not open'));
    const data = Buffer.from(bytes);
    // One write at a time, in call order: bytes of two frames never interleave.
    const run = () => this.send(data);
    const result = this.writes.then(run, run);
    this.writes = result.catch(() => undefined);
    return result;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  async close(): Promise<void> {
    if (this.state !== 'open') {
      if (this.state === 'new') this.state = 'closed';
      return;
    }
    this.state = 'closing';
    this.options.library?.removeListener('detach', this.onDetach);
    this.rejectPendingWrites('the station closed the line');
    await this.release();
    this.state = 'closed';
    this.listeners.emitClose();
  }

  private async claim(): Promise<Opened> {
    const device = await this.options.locate();
    if (!device) throw new JigDisconnectedError(this.description, 'no such USB device is plugged in');
    try {
      device.open();
    } catch (error) {
      throw new JigDisconnectedError(this.description, `cannot open the USB device: ${explain(error as UsbError)}`, { cause: error });
    }
    const number = this.options.interfaceNumber ?? 0;
    let iface: UsbInterfaceLike | undefined;
    try {
      iface = device.interface(number);
      if (!iface) throw new Error(`the device has no interface ${number}`);
      // A kernel driver bound to a vendor interface (rare) must let go before libusb can claim it.
      if (iface.isKernelDriverActive()) iface.detachKernelDriver();
      iface.claim();
    } catch (error) {
      closeQuietly(device);
      throw new JigDisconnectedError(this.description, `cannot claim interface ${number}: ${explain(error as UsbError)}`, { cause: error });
    }
    const bulkIn = iface.endpoints.find((e) => e.direction === 'in' && e.transferType === USB_TRANSFER_TYPE_BULK) as UsbInEndpointLike | undefined;
    const bulkOut = iface.endpoints.find((e) => e.direction === 'out' && e.transferType === USB_TRANSFER_TYPE_BULK) as UsbOutEndpointLike | undefined;
    if (!bulkIn || !bulkOut) {
      await releaseQuietly(iface);
      closeQuietly(device);
      throw new JigDisconnectedError(this.description, `interface ${number} has no bulk IN and bulk OUT endpoint: is this a jig controller?`);
    }
    return { device, iface, bulkIn, bulkOut };
  }

  private startPoll(): void {
    const bulkIn = this.line!.bulkIn;
    try {
      bulkIn.startPoll(this.options.inTransfers ?? 2, bulkIn.descriptor.wMaxPacketSize * 8);
    } catch (error) {
      this.lineLost(`cannot read from the device: ${explain(error as UsbError)}`);
    }
  }

  private onInError(error: UsbError): void {
    if (this.state !== 'open') return;
    if (isNoDevice(error)) return this.lineLost('the USB device disappeared');
    // The library stops polling after an error; its 'end' event is where the halt is cleared.
    if (isStall(error)) this.inStalled = true;
    else this.lineLost(`reading from the device failed: ${explain(error)}`);
  }

  private onPollEnd(): void {
    if (this.state !== 'open' || !this.inStalled) return;
    this.line!.bulkIn.clearHalt((error) => {
      if (this.state !== 'open') return;
      if (error) return this.lineLost(`the IN endpoint stays stalled: ${explain(error)}`);
      this.inStalled = false;
      this.startPoll();
    });
  }

  /** The bytes, then a zero-length packet when they end on a packet boundary. */
  private async send(data: Buffer): Promise<void> {
    await this.transferAll(data);
    if (data.length > 0 && data.length % this.line!.bulkOut.descriptor.wMaxPacketSize === 0) await this.transferAll(Buffer.alloc(0));
  }

  private async transferAll(data: Buffer): Promise<void> {
    let rest = data;
    for (let stalls = 0; ; stalls++) {
      const outcome = await this.transferOnce(rest);
      if (outcome.error === undefined) return;
      const { error, actual } = outcome;
      if (isNoDevice(error)) throw this.lost('the USB device disappeared mid-transfer');
      if (isTimeout(error)) throw this.lost(`the device took no data for ${this.line!.bulkOut.timeout} ms (OUT transfer timed out)`);
      if (!isStall(error)) throw this.lost(`writing to the device failed: ${explain(error)}`);
      if (stalls > 0) throw this.lost('the OUT endpoint stalled again after its halt was cleared');
      // Resume with what did not get through; the device's decoder copes with any split (§6).
      rest = rest.subarray(Math.min(actual, rest.length));
      const cleared = await new Promise<UsbError | undefined>((resolve) => this.line!.bulkOut.clearHalt(resolve));
      if (cleared) throw this.lost(`the OUT endpoint stays stalled: ${explain(cleared)}`);
      if (rest.length === 0 && data.length > 0) return;
    }
  }

  private transferOnce(data: Buffer): Promise<{ error?: UsbError; actual: number }> {
    return new Promise((resolve, reject) => {
      if (this.state !== 'open') return reject(new JigDisconnectedError(this.description, 'write on a USB line that is not open'));
      const cancel = (error: JigDisconnectedError): void => reject(error);
      this.pendingWrites.add(cancel);
      try {
        this.line!.bulkOut.transfer(data, (error, actual) => {
          this.pendingWrites.delete(cancel);
          if (this.state !== 'open') return reject(new JigDisconnectedError(this.description, 'the line closed during the write'));
          resolve({ error: error ?? undefined, actual: actual ?? 0 });
        });
      } catch (error) {
        this.pendingWrites.delete(cancel);
        resolve({ error: error as UsbError, actual: 0 });
      }
    });
  }

  private lost(reason: string): JigDisconnectedError {
    this.lineLost(reason);
    return new JigDisconnectedError(this.description, reason);
  }

  /** The line went away underneath (or became unusable): report it once, release what is left. */
  private lineLost(reason: string): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.options.library?.removeListener('detach', this.onDetach);
    this.rejectPendingWrites(reason);
    this.listeners.emitClose(new Error(reason));
    // Not from inside the library's 'error' event: it stops polling itself right after emitting,
    // and a stopPoll of ours in between would make its own throw.
    setImmediate(() => void this.release().finally(() => (this.state = 'closed')));
  }

  private rejectPendingWrites(reason: string): void {
    for (const cancel of [...this.pendingWrites]) cancel(new JigDisconnectedError(this.description, reason));
    this.pendingWrites.clear();
  }

  /** Stop reading, give the interface back, close the device; a vanished device fails each step, harmlessly. */
  private async release(): Promise<void> {
    const line = this.line;
    if (!line) return;
    if (line.bulkIn.pollActive) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000); // a vanished device may never end its transfers
        try {
          line.bulkIn.stopPoll(() => {
            clearTimeout(timer);
            resolve();
          });
        } catch {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    line.bulkIn.removeAllListeners('data');
    await releaseQuietly(line.iface);
    closeQuietly(line.device);
  }
}

/** libusb's error, in the words an operator or a bring-up engineer needs. */
export function explain(error: UsbError | undefined): string {
  switch (error?.errno) {
    case UsbErrorCode.ACCESS:
      return 'permission denied (install the udev rule of docs/hardware-bring-up.md, then re-plug)';
    case UsbErrorCode.BUSY:
      return 'another program holds the interface';
    case UsbErrorCode.NO_DEVICE:
      return 'the device is gone';
    case UsbErrorCode.NOT_FOUND:
      return 'not found (wrong interface number?)';
    default:
      return error?.message ?? 'unknown error';
  }
}

function closeQuietly(device: UsbDeviceLike): void {
  try {
    device.close();
  } catch {
    // already closed, or gone
  }
}

function releaseQuietly(iface: UsbInterfaceLike): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000);
    try {
      iface.release(true, () => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
