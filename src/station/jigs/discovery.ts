/**
 * What is plugged into this station that could be a jig: serial ports from SerialPort.list()
 * with their stable /dev/serial/by-path and by-id names, and USB devices with VID:PID and
 * bus-port path. For bring-up (docs/hardware-bring-up.md): the names to copy into the jig
 * configuration file. Run it as `node dist/src/station/jigs/discovery.js [--json]`.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SerialPort } from 'serialport';
import { hex4 } from '../../config/jig-config.js';
import { usbPathOf, type UsbLibraryLike } from './transport/usb-device.port.js';
import { loadUsbLibrary } from './transport/usb-library.js';

export interface FoundSerialPort {
  /** the kernel's name, e.g. /dev/ttyACM0: changes with plug order */
  device: string;
  /** stable names of the same port: use one of these in the jig configuration */
  byPath: string[];
  byId: string[];
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
}

export interface FoundUsbDevice {
  /** "1209:4a49" */
  device: string;
  /** "1-2.4": the socket, stable across re-plugs and reboots */
  usbPath: string;
  bus: number;
  address: number;
}

/** Maps each device node to the symlinks udev made for it in a /dev/serial/by-* folder. */
export function stableNames(folder: string): Map<string, string[]> {
  const names = new Map<string, string[]>();
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return names; // no such folder: no USB-serial adapter plugged in, or no udev
  }
  for (const entry of entries.sort()) {
    const link = join(folder, entry);
    try {
      const target = realpathSync(link);
      names.set(target, [...(names.get(target) ?? []), link]);
    } catch {
      // a dangling link: its device is gone
    }
  }
  return names;
}

export async function discoverSerialPorts(serialRoot = '/dev/serial'): Promise<FoundSerialPort[]> {
  const byPath = stableNames(join(serialRoot, 'by-path'));
  const byId = stableNames(join(serialRoot, 'by-id'));
  const ports = await SerialPort.list();
  return ports.map((p) => {
    let device = p.path;
    try {
      device = realpathSync(p.path);
    } catch {
      // listed but not resolvable: keep the listed name
    }
    return {
      device: p.path,
      byPath: byPath.get(device) ?? [],
      byId: byId.get(device) ?? [],
      ...(p.vendorId ? { vendorId: p.vendorId } : {}),
      ...(p.productId ? { productId: p.productId } : {}),
      ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
      ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
    };
  });
}

export function discoverUsbDevices(library: UsbLibraryLike): FoundUsbDevice[] {
  return library.getDeviceList().map((d) => ({
    device: `${hex4(d.deviceDescriptor.idVendor)}:${hex4(d.deviceDescriptor.idProduct)}`,
    usbPath: usbPathOf(d),
    bus: d.busNumber,
    address: d.deviceAddress,
  }));
}

async function main(): Promise<void> {
  const serial = await discoverSerialPorts();
  const usb = await loadUsbLibrary()
    .then(discoverUsbDevices)
    .catch((error: unknown) => {
      process.stderr.write(`USB: cannot list devices (${(error as Error).message})\n`);
      return [];
    });
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ serial, usb }, null, 2)}\n`);
    return;
  }
  process.stdout.write('Serial ports (use the by-path name in the jig configuration):\n');
  if (serial.length === 0) process.stdout.write('  none\n');
  for (const p of serial) {
    const id = p.vendorId ? ` ${p.vendorId}:${p.productId}` : '';
    process.stdout.write(`  ${p.device}${id}${p.serialNumber ? ` serial ${p.serialNumber}` : ''}\n`);
    for (const name of p.byPath) process.stdout.write(`    by-path: ${name}\n`);
    for (const name of p.byId) process.stdout.write(`    by-id:   ${name}\n`);
  }
  process.stdout.write('USB devices ("device" and "usbPath" of a usb port in the jig configuration):\n');
  if (usb.length === 0) process.stdout.write('  none\n');
  for (const d of usb) process.stdout.write(`  ${d.device} usbPath ${d.usbPath} (bus ${d.bus} address ${d.address})\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`discovery failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
