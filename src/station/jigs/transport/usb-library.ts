/**
 * The real `usb` library (node-usb 2.x over libusb) behind the UsbLibraryLike port, and how a
 * configured USB jig is picked out of the devices plugged in. The only file of the product that
 * imports `usb`, and only when a USB jig is configured: a serial-only station never loads libusb.
 */
import { hex4 } from '../../../config/jig-config.js';
import { usbPathOf, type UsbDeviceLike, type UsbLibraryLike } from './usb-device.port.js';

let loaded: Promise<UsbLibraryLike> | undefined;

export function loadUsbLibrary(): Promise<UsbLibraryLike> {
  // The library's classes have this shape (usb-device.port.ts lists the members used); their
  // declared types carry overloads the port does not need, hence the cast at this one place.
  loaded ??= import('usb').then((mod) => mod.usb as unknown as UsbLibraryLike);
  return loaded;
}

/** What picks one jig controller: VID:PID and, for stability, its socket or its serial number. */
export interface UsbJigSelector {
  vendorId: number;
  productId: number;
  usbPath?: string;
  serialNumber?: string;
}

export function describeSelector(s: UsbJigSelector): string {
  const id = `usb ${hex4(s.vendorId)}:${hex4(s.productId)}`;
  return s.usbPath ? `${id} at ${s.usbPath}` : s.serialNumber ? `${id} #${s.serialNumber}` : id;
}

/** Cheap check on the descriptor alone (no open): used for hot-plug events too. */
export function mayBe(device: UsbDeviceLike, s: UsbJigSelector): boolean {
  const d = device.deviceDescriptor;
  return d.idVendor === s.vendorId && d.idProduct === s.productId && (!s.usbPath || usbPathOf(device) === s.usbPath);
}

/** The plugged-in device the selector names, or undefined. A serial number needs a look inside. */
export async function findUsbJig(library: UsbLibraryLike, s: UsbJigSelector): Promise<UsbDeviceLike | undefined> {
  const candidates = library.getDeviceList().filter((d) => mayBe(d, s));
  if (!s.serialNumber) return candidates[0];
  for (const device of candidates) {
    if ((await readSerialNumber(device)) === s.serialNumber) return device;
  }
  return undefined;
}

export async function readSerialNumber(device: UsbDeviceLike): Promise<string | undefined> {
  const index = device.deviceDescriptor.iSerialNumber;
  if (!index) return undefined;
  try {
    device.open();
  } catch {
    return undefined; // no permission or gone: it cannot be ours to use anyway
  }
  try {
    return await new Promise<string | undefined>((resolve) => device.getStringDescriptor(index, (error, value) => resolve(error ? undefined : value)));
  } finally {
    try {
      device.close();
    } catch {
      // gone meanwhile
    }
  }
}
