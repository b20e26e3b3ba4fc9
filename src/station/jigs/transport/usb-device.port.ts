/**
 * The part of the `usb` library (node-usb 2.x, libusb underneath) that the USB jig transport
 * uses, as plain interfaces: the real library's Device/Interface/Endpoint objects have this
 * shape, and the tests drive the transport through an in-process fake of it (this station's CI
 * machine has no USB subsystem). Only usb-library.ts imports the real library.
 *
 * Error numbers are libusb's (libusb.h, `enum libusb_error` and `enum libusb_transfer_status`);
 * a LibUSBException carries one in `errno`.
 */

/** libusb_transfer_status: how an asynchronous transfer (poll, transfer()) ended. */
export const UsbTransferStatus = {
  ERROR: 1,
  TIMED_OUT: 2,
  CANCELLED: 3,
  STALL: 4,
  NO_DEVICE: 5,
  OVERFLOW: 6,
} as const;

/** libusb_error: what a synchronous call (open, claim, clearHalt) failed with. */
export const UsbErrorCode = {
  IO: -1,
  ACCESS: -3,
  NO_DEVICE: -4,
  NOT_FOUND: -5,
  BUSY: -6,
  TIMEOUT: -7,
  PIPE: -9,
} as const;

export const USB_TRANSFER_TYPE_BULK = 2;

export interface UsbError extends Error {
  errno?: number;
}

export interface UsbEndpointLike {
  readonly direction: 'in' | 'out';
  readonly transferType: number;
  readonly address: number;
  timeout: number;
  readonly descriptor: { wMaxPacketSize: number };
  /** CLEAR_FEATURE(ENDPOINT_HALT): un-stalls the endpoint (USB 2.0 §9.4.1). */
  clearHalt(callback: (error: UsbError | undefined) => void): void;
}

export interface UsbInEndpointLike extends UsbEndpointLike {
  readonly direction: 'in';
  readonly pollActive: boolean;
  /** Keeps `nTransfers` transfers of `transferSize` bytes queued; emits 'data', 'error', 'end'. */
  startPoll(nTransfers?: number, transferSize?: number): unknown;
  stopPoll(callback?: () => void): void;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: UsbError) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(event?: string): unknown;
}

export interface UsbOutEndpointLike extends UsbEndpointLike {
  readonly direction: 'out';
  /**
   * One bulk OUT transfer (libusb splits it into packets). The library's transferWithZLP is not
   * used: it drops the data transfer's error when it adds the zero-length packet.
   */
  transfer(buffer: Buffer, callback: (error: UsbError | undefined, actual: number) => void): unknown;
}

export interface UsbInterfaceLike {
  readonly interfaceNumber: number;
  readonly endpoints: ReadonlyArray<UsbEndpointLike>;
  claim(): void;
  release(closeEndpoints: boolean, callback: (error?: UsbError) => void): void;
  isKernelDriverActive(): boolean;
  detachKernelDriver(): void;
}

export interface UsbDeviceLike {
  readonly busNumber: number;
  readonly deviceAddress: number;
  /** Hub ports from the root hub down, e.g. [2, 4] for the kernel's "1-2.4" on bus 1. */
  readonly portNumbers: number[];
  readonly deviceDescriptor: { idVendor: number; idProduct: number; iSerialNumber: number };
  open(): void;
  close(): void;
  interface(interfaceNumber: number): UsbInterfaceLike;
  getStringDescriptor(index: number, callback: (error?: UsbError, value?: string) => void): void;
}

/** The library itself: the device list and hot-plug events. */
export interface UsbLibraryLike {
  getDeviceList(): UsbDeviceLike[];
  on(event: 'attach' | 'detach', listener: (device: UsbDeviceLike) => void): unknown;
  removeListener(event: 'attach' | 'detach', listener: (device: UsbDeviceLike) => void): unknown;
}

/** The kernel's name for a device's socket (/sys/bus/usb/devices/<bus>-<port>.<port>...). */
export function usbPathOf(device: Pick<UsbDeviceLike, 'busNumber' | 'portNumbers'>): string {
  return `${device.busNumber}-${device.portNumbers.join('.')}`;
}

export function isNoDevice(error: UsbError | undefined): boolean {
  return error?.errno === UsbTransferStatus.NO_DEVICE || error?.errno === UsbErrorCode.NO_DEVICE;
}

export function isStall(error: UsbError | undefined): boolean {
  return error?.errno === UsbTransferStatus.STALL || error?.errno === UsbErrorCode.PIPE;
}

export function isTimeout(error: UsbError | undefined): boolean {
  return error?.errno === UsbTransferStatus.TIMED_OUT || error?.errno === UsbErrorCode.TIMEOUT;
}
