/**
 * An in-process fake of the `usb` library's objects (device, interface, bulk endpoints, the
 * library's hot-plug events), shaped like node-usb 2.x as described by usb-device.port.ts.
 * This machine has no USB subsystem, so the USB transport is proven against this.
 *
 * The far side is the jig's firmware: `firmware` is a JigTransport whose writes come out of the
 * bulk IN endpoint in packets of the sizes given (awkward splits on purpose), and which receives
 * what the station sends on bulk OUT, packet by packet. Faults are injected by hand: stall an
 * endpoint, time out an OUT transfer, hold OUT transfers pending, unplug.
 */
import { EventEmitter } from 'node:events';
import { TransportListeners, type JigTransport } from '../../../src/station/jigs/transport/jig-transport.port.js';
import {
  UsbErrorCode,
  UsbTransferStatus,
  USB_TRANSFER_TYPE_BULK,
  type UsbDeviceLike,
  type UsbError,
  type UsbInEndpointLike,
  type UsbInterfaceLike,
  type UsbLibraryLike,
  type UsbOutEndpointLike,
} from '../../../src/station/jigs/transport/usb-device.port.js';
import { JigDisconnectedError } from '../../../src/station/jigs/jig.errors.js';

export function usbError(errno: number, message: string): UsbError {
  return Object.assign(new Error(message), { errno });
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface FakeUsbDeviceOptions {
  vendorId?: number;
  productId?: number;
  busNumber?: number;
  portNumbers?: number[];
  serialNumber?: string;
  /** wMaxPacketSize of both bulk endpoints: 64 full speed, 512 high speed */
  maxPacket?: number;
  /** IN data is cut into packets of these sizes, cycling (each capped at the transfer size) */
  inPacketSizes?: number[];
  /** the interface has no bulk endpoints (a device that is not a jig controller) */
  noBulk?: boolean;
  /** open() fails with this libusb error */
  openError?: number;
}

class FakeInEndpoint extends EventEmitter implements UsbInEndpointLike {
  readonly direction = 'in' as const;
  readonly transferType = USB_TRANSFER_TYPE_BULK;
  readonly address = 0x81;
  timeout = 0;
  pollActive = false;
  halted = false;
  transferSize = 0;
  clearHaltError: number | undefined;
  clearHalts = 0;

  constructor(readonly descriptor: { wMaxPacketSize: number }) {
    super();
  }

  startPoll(_nTransfers?: number, transferSize?: number): unknown {
    if (this.pollActive) throw new Error('Polling already active');
    this.pollActive = true;
    this.transferSize = transferSize ?? this.descriptor.wMaxPacketSize;
    this.emit('polling');
    return [];
  }

  stopPoll(callback?: () => void): void {
    if (!this.pollActive) throw new Error('Polling is not active.');
    this.pollActive = false;
    if (callback) this.once('end', callback);
    setImmediate(() => this.emit('end'));
  }

  /** As the library does on a transfer error: 'error', then polling stops and 'end' follows. */
  fail(errno: number, message: string): void {
    if (!this.pollActive) return;
    this.emit('error', usbError(errno, message));
    this.stopPoll();
  }

  clearHalt(callback: (error: UsbError | undefined) => void): void {
    this.clearHalts++;
    setImmediate(() => {
      if (this.clearHaltError !== undefined) return callback(usbError(this.clearHaltError, 'LIBUSB_ERROR'));
      this.halted = false;
      this.emit('unhalted');
      callback(undefined);
    });
  }
}

type OutFault = 'stall' | 'timeout' | 'hold';

class FakeOutEndpoint implements UsbOutEndpointLike {
  readonly direction = 'out' as const;
  readonly transferType = USB_TRANSFER_TYPE_BULK;
  readonly address = 0x01;
  timeout = 0;
  halted = false;
  /** faults for the next transfers, in order */
  readonly faults: OutFault[] = [];
  /** a stall lets this many bytes through first */
  stallAfterBytes = 0;
  zeroLengthPackets = 0;
  clearHalts = 0;
  private readonly held: Array<() => void> = [];

  constructor(
    readonly descriptor: { wMaxPacketSize: number },
    private readonly device: FakeUsbDevice,
  ) {}

  transfer(buffer: Buffer, callback: (error: UsbError | undefined, actual: number) => void): unknown {
    const data = Buffer.from(buffer);
    setImmediate(() => {
      if (this.device.unplugged) return callback(usbError(UsbTransferStatus.NO_DEVICE, 'LIBUSB_TRANSFER_NO_DEVICE'), 0);
      if (this.halted) return callback(usbError(UsbTransferStatus.STALL, 'LIBUSB_TRANSFER_STALL'), 0);
      const fault = this.faults.shift();
      if (fault === 'hold') {
        // the device NAKs forever: the transfer completes only when the device goes away
        this.held.push(() => callback(usbError(UsbTransferStatus.NO_DEVICE, 'LIBUSB_TRANSFER_NO_DEVICE'), 0));
        return;
      }
      if (fault === 'timeout') return callback(usbError(UsbTransferStatus.TIMED_OUT, 'LIBUSB_TRANSFER_TIMED_OUT'), 0);
      if (fault === 'stall') {
        const through = Math.min(this.stallAfterBytes, data.length);
        this.device.fromStation(data.subarray(0, through));
        this.halted = true;
        return callback(usbError(UsbTransferStatus.STALL, 'LIBUSB_TRANSFER_STALL'), through);
      }
      if (data.length === 0) this.zeroLengthPackets++;
      this.device.fromStation(data);
      callback(undefined, data.length);
    });
    return this;
  }

  clearHalt(callback: (error: UsbError | undefined) => void): void {
    this.clearHalts++;
    setImmediate(() => {
      this.halted = false;
      callback(undefined);
    });
  }

  unplugged(): void {
    for (const complete of this.held.splice(0)) complete();
  }
}

class FakeInterface implements UsbInterfaceLike {
  claimed = false;
  releases = 0;
  readonly endpoints: Array<FakeInEndpoint | FakeOutEndpoint>;

  constructor(
    readonly interfaceNumber: number,
    readonly bulkIn: FakeInEndpoint,
    readonly bulkOut: FakeOutEndpoint,
    noBulk: boolean,
    private readonly device: FakeUsbDevice,
  ) {
    this.endpoints = noBulk ? [] : [bulkIn, bulkOut];
  }

  claim(): void {
    if (this.device.unplugged) throw usbError(UsbErrorCode.NO_DEVICE, 'LIBUSB_ERROR_NO_DEVICE');
    if (this.claimed) throw usbError(UsbErrorCode.BUSY, 'LIBUSB_ERROR_BUSY');
    this.claimed = true;
  }

  release(_closeEndpoints: boolean, callback: (error?: UsbError) => void): void {
    this.releases++;
    this.claimed = false;
    setImmediate(() => callback(this.device.unplugged ? usbError(UsbErrorCode.NO_DEVICE, 'LIBUSB_ERROR_NO_DEVICE') : undefined));
  }

  isKernelDriverActive(): boolean {
    return false;
  }

  detachKernelDriver(): void {}
}

export class FakeUsbDevice implements UsbDeviceLike {
  readonly busNumber: number;
  readonly deviceAddress: number;
  readonly portNumbers: number[];
  readonly deviceDescriptor: { idVendor: number; idProduct: number; iSerialNumber: number };
  readonly bulkIn: FakeInEndpoint;
  readonly bulkOut: FakeOutEndpoint;
  readonly iface: FakeInterface;
  readonly firmware: FakeFirmwareEnd;
  opened = false;
  unplugged = false;
  private static nextAddress = 2;

  constructor(private readonly options: FakeUsbDeviceOptions = {}) {
    this.busNumber = options.busNumber ?? 1;
    this.deviceAddress = FakeUsbDevice.nextAddress++;
    this.portNumbers = options.portNumbers ?? [2, 4];
    this.deviceDescriptor = { idVendor: options.vendorId ?? 0x1209, idProduct: options.productId ?? 0x4a49, iSerialNumber: options.serialNumber ? 3 : 0 };
    const maxPacket = { wMaxPacketSize: options.maxPacket ?? 64 };
    this.bulkIn = new FakeInEndpoint(maxPacket);
    this.bulkOut = new FakeOutEndpoint(maxPacket, this);
    this.iface = new FakeInterface(0, this.bulkIn, this.bulkOut, options.noBulk ?? false, this);
    this.firmware = new FakeFirmwareEnd(this, options.inPacketSizes ?? [64]);
  }

  open(): void {
    if (this.unplugged) throw usbError(UsbErrorCode.NO_DEVICE, 'LIBUSB_ERROR_NO_DEVICE');
    if (this.options.openError !== undefined) throw usbError(this.options.openError, 'LIBUSB_ERROR');
    this.opened = true;
  }

  close(): void {
    if (this.iface.claimed) throw new Error("Can't close device with a pending request");
    this.opened = false;
  }

  interface(interfaceNumber: number): UsbInterfaceLike {
    if (interfaceNumber !== 0) return undefined as unknown as UsbInterfaceLike; // as node-usb: no such interface
    return this.iface;
  }

  getStringDescriptor(index: number, callback: (error?: UsbError, value?: string) => void): void {
    setImmediate(() => (index === 3 ? callback(undefined, this.options.serialNumber) : callback(usbError(UsbErrorCode.IO, 'LIBUSB_ERROR_IO'))));
  }

  /** Bytes of one OUT transfer reach the firmware packet by packet. */
  fromStation(data: Buffer): void {
    const size = this.bulkOut.descriptor.wMaxPacketSize;
    for (let at = 0; at < data.length; at += size) this.firmware.receive(data.subarray(at, at + size));
  }

  /** The device goes away: transfers end with NO_DEVICE, as libusb reports them. */
  unplug(): void {
    this.unplugged = true;
    this.bulkIn.fail(UsbTransferStatus.NO_DEVICE, 'LIBUSB_TRANSFER_NO_DEVICE');
    this.bulkOut.unplugged();
    this.firmware.gone();
  }

  /** The firmware halts its IN endpoint: the station's poll fails with STALL. */
  stallIn(): void {
    this.bulkIn.halted = true;
    this.bulkIn.fail(UsbTransferStatus.STALL, 'LIBUSB_TRANSFER_STALL');
  }
}

/** The firmware's end of the pipe, as a JigTransport so the contract suite and the simulator can use it. */
export class FakeFirmwareEnd implements JigTransport {
  readonly description = 'fake usb firmware end';
  private readonly listeners = new TransportListeners();
  private outbox: Buffer[] = [];
  private sizeIndex = 0;
  private delivering = false;
  private closed = false;

  constructor(
    private readonly device: FakeUsbDevice,
    private readonly packetSizes: number[],
  ) {
    device.bulkIn.on('polling', () => void this.deliver());
    device.bulkIn.on('unhalted', () => void this.deliver());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  async open(): Promise<void> {}

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new JigDisconnectedError(this.description, 'the device is unplugged');
    this.outbox.push(Buffer.from(bytes));
    await this.deliver();
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.listeners.onClose(listener);
  }

  async close(): Promise<void> {
    this.device.unplug();
  }

  receive(packet: Buffer): void {
    if (packet.length > 0) this.listeners.emitData(packet);
  }

  gone(): void {
    this.closed = true;
    this.outbox = [];
    this.listeners.emitClose(new Error('unplugged'));
  }

  /** Completes IN transfers while the station polls and the endpoint is not halted. */
  private async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      const pipe = this.device.bulkIn;
      while (this.outbox.length && pipe.pollActive && !pipe.halted && !this.device.unplugged) {
        await tick();
        if (!pipe.pollActive || pipe.halted || this.device.unplugged) break;
        const wanted = Math.min(this.packetSizes[this.sizeIndex++ % this.packetSizes.length], pipe.transferSize);
        const head = this.outbox[0];
        const packet = head.subarray(0, wanted);
        if (packet.length === head.length) this.outbox.shift();
        else this.outbox[0] = head.subarray(packet.length);
        pipe.emit('data', Buffer.from(packet));
      }
    } finally {
      this.delivering = false;
    }
  }
}

/** The library: a device list and hot-plug events. */
export class FakeUsbLibrary extends EventEmitter implements UsbLibraryLike {
  readonly devices: FakeUsbDevice[] = [];

  getDeviceList(): UsbDeviceLike[] {
    return this.devices.filter((d) => !d.unplugged);
  }

  plug(device: FakeUsbDevice): FakeUsbDevice {
    this.devices.push(device);
    setImmediate(() => this.emit('attach', device));
    return device;
  }

  unplug(device: FakeUsbDevice): void {
    device.unplug();
    setImmediate(() => this.emit('detach', device));
  }
}
