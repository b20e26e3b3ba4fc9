/**
 * From a configured port (config/jig-config.ts) to the driver of its line: which transport to
 * make for each connection and, for USB, which hot-plug events announce it.
 */
import { describePort, type JigPortDefinition, type SerialPortDefinition, type UsbPortDefinition } from '../../config/jig-config.js';
import type { JigLineDriver } from './jig-link.js';
import { SerialJigTransport } from './transport/serial-jig.transport.js';
import { UsbJigTransport } from './transport/usb-jig.transport.js';
import type { UsbLibraryLike } from './transport/usb-device.port.js';
import { findUsbJig, loadUsbLibrary, mayBe } from './transport/usb-library.js';

/** Builds the driver of a configured port (a port, so tests can hand in in-memory lines). */
export type JigLineFactory = (port: JigPortDefinition) => JigLineDriver;

export function serialLineDriver(port: SerialPortDefinition): JigLineDriver {
  return {
    description: describePort(port),
    transport: () =>
      new SerialJigTransport({
        path: port.path,
        baudRate: port.baudRate,
        dataBits: port.dataBits,
        parity: port.parity,
        stopBits: port.stopBits,
        rtscts: port.rtscts,
      }),
  };
}

export function usbLineDriver(port: UsbPortDefinition, library: () => Promise<UsbLibraryLike> = loadUsbLibrary): JigLineDriver {
  const description = describePort(port);
  return {
    description,
    transport: async () => {
      const usb = await library();
      return new UsbJigTransport({ description, locate: () => findUsbJig(usb, port), library: usb, interfaceNumber: port.interfaceNumber });
    },
    onArrival: (listener) => {
      let off: (() => void) | undefined;
      let stopped = false;
      void library()
        .then((usb) => {
          if (stopped) return;
          const onAttach = (device: Parameters<typeof mayBe>[0]): void => {
            if (mayBe(device, port)) listener();
          };
          usb.on('attach', onAttach);
          off = () => usb.removeListener('attach', onAttach);
        })
        .catch(() => undefined); // no libusb: the link's retries still find the device
      return () => {
        stopped = true;
        off?.();
      };
    },
  };
}

/** The station's default: real serial ports and real USB. */
export const hardwareLineFactory: JigLineFactory = (port) => (port.transport === 'serial' ? serialLineDriver(port) : usbLineDriver(port));
