/**
 * The USB bulk transport through an in-process fake of the usb library (fake-usb.ts): the same
 * transport contract as serial and TCP, with IN data in awkward packet sizes, then what USB adds:
 * zero-length packets, stalls, timeouts, an unplug in the middle of a transfer, permissions, and
 * the whole jig protocol conversation with the reference simulator behind the fake endpoints.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JigClient } from '../../../src/station/jigs/jig-client.js';
import { JigDisconnectedError } from '../../../src/station/jigs/jig.errors.js';
import { UsbJigTransport } from '../../../src/station/jigs/transport/usb-jig.transport.js';
import { UsbErrorCode } from '../../../src/station/jigs/transport/usb-device.port.js';
import { findUsbJig } from '../../../src/station/jigs/transport/usb-library.js';
import { SimulatedJig } from '../../../fixtures/device-simulator/simulated-jig.js';
import { parseDeviceList } from '../../../fixtures/device-simulator/simulator-config.js';
import { FakeUsbDevice, FakeUsbLibrary, type FakeUsbDeviceOptions } from './fake-usb.js';
import { jigTransportContract } from './jig-transport-contract.js';

function usbLine(options: FakeUsbDeviceOptions = {}, writeTimeoutMs?: number) {
  const library = new FakeUsbLibrary();
  const device = library.plug(new FakeUsbDevice(options));
  const station = new UsbJigTransport({
    description: 'usb 1209:4a49 at 1-2.4',
    locate: () => findUsbJig(library, { vendorId: 0x1209, productId: 0x4a49, usbPath: '1-2.4' }),
    library,
    ...(writeTimeoutMs ? { writeTimeoutMs } : {}),
  });
  return { library, device, station };
}

const PACKETS: Array<[string, number[]]> = [
  ['full 64-byte packets', [64]],
  ['1-byte packets', [1]],
  ['63, 64, 65 (capped), 7 and 512-byte packets', [63, 64, 65, 7, 512]],
];

for (const [name, inPacketSizes] of PACKETS) {
  jigTransportContract(`USB bulk over a fake device, IN in ${name}`, async () => {
    const { library, device, station } = usbLine({ inPacketSizes });
    return {
      station,
      device: async () => device.firmware,
      pullCable: async () => library.unplug(device),
      cleanup: async () => {
        await station.close();
      },
    };
  });
}

async function until(predicate: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function received(device: FakeUsbDevice): number[] {
  const bytes: number[] = [];
  device.firmware.onData((chunk) => bytes.push(...chunk));
  return bytes;
}

const pattern = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff);

describe('USB bulk transport', () => {
  it('ok a write on a packet boundary ends with a zero-length packet, others do not', async () => {
    const { device, station } = usbLine({ maxPacket: 64 });
    await station.open();
    const bytes = received(device);
    await station.write(pattern(128));
    assert.equal(device.bulkOut.zeroLengthPackets, 1);
    await station.write(pattern(100));
    assert.equal(device.bulkOut.zeroLengthPackets, 1);
    assert.deepEqual(bytes, [...pattern(128), ...pattern(100)]);
    await station.close();
  });

  it('ok a stalled OUT endpoint is cleared and the rest of the write goes through, bytes once and in order', async () => {
    const { device, station } = usbLine();
    await station.open();
    const bytes = received(device);
    device.bulkOut.faults.push('stall');
    device.bulkOut.stallAfterBytes = 100; // the stall hits mid-write
    await station.write(pattern(300));
    await station.write(Uint8Array.of(1, 2, 3));
    assert.equal(device.bulkOut.clearHalts, 1);
    assert.deepEqual(bytes, [...pattern(300), 1, 2, 3]);
    assert.equal(station.isOpen, true);
    await station.close();
  });

  it('ok a stalled IN endpoint is cleared and reading resumes with nothing lost', async () => {
    const { device, station } = usbLine({ inPacketSizes: [5] });
    await station.open();
    const heard: number[] = [];
    station.onData((chunk) => heard.push(...chunk));
    device.stallIn();
    await device.firmware.write(pattern(40));
    await until(() => heard.length === 40, 'the bytes after the stall');
    assert.equal(device.bulkIn.clearHalts, 1);
    assert.deepEqual(heard, [...pattern(40)]);
    await station.close();
  });

  it('fail an endpoint that stalls again after its halt was cleared closes the line with an error', async () => {
    const { device, station } = usbLine();
    await station.open();
    const closes: Array<Error | undefined> = [];
    station.onClose((error) => closes.push(error));
    device.bulkOut.faults.push('stall', 'stall');
    await assert.rejects(station.write(pattern(10)), (error: unknown) => error instanceof JigDisconnectedError && /stalled again/.test(error.message));
    assert.equal(closes.length, 1);
    assert.match(String(closes[0]?.message), /stalled again after its halt was cleared/);
    assert.equal(station.isOpen, false);
  });

  it('fail an IN endpoint whose halt cannot be cleared closes the line with an error', async () => {
    const { device, station } = usbLine();
    await station.open();
    const closes: Array<Error | undefined> = [];
    station.onClose((error) => closes.push(error));
    device.bulkIn.clearHaltError = UsbErrorCode.IO;
    device.stallIn();
    await until(() => closes.length === 1, 'the close');
    assert.match(String(closes[0]?.message), /IN endpoint stays stalled/);
  });

  it('fail an OUT transfer the device never takes times out and closes the line', async () => {
    const { device, station } = usbLine({}, 50);
    await station.open();
    const closes: Array<Error | undefined> = [];
    station.onClose((error) => closes.push(error));
    device.bulkOut.faults.push('timeout');
    await assert.rejects(station.write(pattern(10)), /took no data for 50 ms/);
    assert.equal(closes.length, 1);
    await assert.rejects(station.write(pattern(10)), JigDisconnectedError);
  });

  it('fail unplugged in the middle of a transfer: the pending write and the queued one are refused, close once, no data after', async () => {
    const { library, device, station } = usbLine();
    await station.open();
    const closes: Array<Error | undefined> = [];
    station.onClose((error) => closes.push(error));
    const heard: number[] = [];
    station.onData((chunk) => heard.push(...chunk));
    device.bulkOut.faults.push('hold');
    const pending = station.write(pattern(200));
    const queued = station.write(pattern(5));
    await until(() => device.bulkOut.faults.length === 0, 'the held transfer');
    library.unplug(device);
    await assert.rejects(pending, JigDisconnectedError);
    await assert.rejects(queued, JigDisconnectedError);
    await device.firmware.write(Uint8Array.of(1)).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(closes.length, 1);
    assert.match(String(closes[0]?.message), /disappeared|unplugged/);
    assert.deepEqual(heard, []);
    assert.equal(device.iface.claimed, false, 'the interface was released');
  });

  it('ok the hot-plug detach event alone closes an idle line', async () => {
    const { library, device, station } = usbLine();
    await station.open();
    const closes: Array<Error | undefined> = [];
    station.onClose((error) => closes.push(error));
    device.unplugged = true; // gone, but no transfer is running to notice
    library.emit('detach', device);
    assert.equal(closes.length, 1);
    assert.match(String(closes[0]?.message), /the USB device was unplugged/);
  });

  it('fail opening: no such device, no permission, no bulk endpoints, another program holds it', async () => {
    const none = new UsbJigTransport({ description: 'usb 1209:4a49 at 9-9', locate: async () => undefined });
    await assert.rejects(none.open(), /usb 1209:4a49 at 9-9 is disconnected: no such USB device is plugged in/);
    const denied = usbLine({ openError: UsbErrorCode.ACCESS }).station;
    await assert.rejects(denied.open(), /permission denied \(install the udev rule of docs\/hardware-bring-up\.md/);
    const notAJig = usbLine({ noBulk: true });
    await assert.rejects(notAJig.station.open(), /interface 0 has no bulk IN and bulk OUT endpoint: is this a jig controller\?/);
    assert.equal(notAJig.device.opened, false, 'the device was closed again');
    const busy = usbLine();
    busy.device.iface.claimed = true;
    await assert.rejects(busy.station.open(), /cannot claim interface 0: another program holds the interface/);
  });

  it('ok the device is picked by VID:PID and bus-port path, or by serial number', async () => {
    const library = new FakeUsbLibrary();
    const left = library.plug(new FakeUsbDevice({ portNumbers: [2, 3], serialNumber: 'JIG-A' }));
    const right = library.plug(new FakeUsbDevice({ portNumbers: [2, 4], serialNumber: 'JIG-B' }));
    library.plug(new FakeUsbDevice({ productId: 0x0001, portNumbers: [1] }));
    assert.equal(await findUsbJig(library, { vendorId: 0x1209, productId: 0x4a49, usbPath: '1-2.4' }), right);
    assert.equal(await findUsbJig(library, { vendorId: 0x1209, productId: 0x4a49, serialNumber: 'JIG-A' }), left);
    assert.equal(await findUsbJig(library, { vendorId: 0x1209, productId: 0x4a49, usbPath: '1-7' }), undefined);
    assert.equal(left.opened, false, 'reading a serial number closes the device again');
  });
});

describe('jig protocol over USB bulk', () => {
  const root = mkdtempSync(join(tmpdir(), 'usb-jig-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('ok JIG_INFO, HELLO and a CSR with the reference simulator behind the fake endpoints, in 13-byte packets', async () => {
    const { device, station } = usbLine({ inPacketSizes: [13, 1, 64] });
    const config = {
      jigId: 'usb-jig',
      stateDir: root,
      baudRate: 115200,
      modelWire: false,
      tcpHost: '127.0.0.1',
      slotCount: 2,
      devices: parseDeviceList('USB-0:MODEL-U,USB-1:MODEL-U'),
      slowMs: 0,
      rebootMs: 0,
      verbose: false,
    };
    new SimulatedJig(config, () => undefined).attach(device.firmware);
    const client = await JigClient.open(station, { requestTimeoutMs: 3000 });
    try {
      assert.deepEqual(await client.jigInfo(), { jigId: 'usb-jig', slotCount: 2, occupiedSlots: [0, 1] });
      assert.equal((await client.hello(1)).serial, 'USB-1');
      const csr = await client.requestCsr(0, 'ec-p256');
      assert.ok(csr.length > 100, 'a DER CSR came back');
      assert.equal((await client.hello(0)).flags.hasKey, true);
    } finally {
      await client.close();
    }
  });
});
