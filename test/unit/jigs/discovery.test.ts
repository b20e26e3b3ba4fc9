/** Bring-up discovery: stable by-path/by-id names of serial ports, VID:PID and socket of USB devices. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverSerialPorts, discoverUsbDevices, stableNames } from '../../../src/station/jigs/discovery.js';
import { FakeUsbDevice, FakeUsbLibrary } from './fake-usb.js';

describe('jig discovery', () => {
  it('ok each device node gets the udev links that lead to it; dangling links are skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'discovery-'));
    try {
      const [acm0, acm1] = ['ttyACM0', 'ttyACM1'].map((n) => join(dir, n));
      writeFileSync(acm0, '');
      writeFileSync(acm1, '');
      const byPath = join(dir, 'serial', 'by-path');
      mkdirSync(byPath, { recursive: true });
      symlinkSync(acm1, join(byPath, 'pci-0000:00:14.0-usb-0:2.4:1.0'));
      symlinkSync(acm0, join(byPath, 'pci-0000:00:14.0-usb-0:2.3:1.0'));
      symlinkSync(join(dir, 'ttyACM9'), join(byPath, 'pci-0000:00:14.0-usb-0:2.9:1.0'));
      const names = stableNames(byPath);
      assert.deepEqual([...names.entries()], [
        [acm0, [join(byPath, 'pci-0000:00:14.0-usb-0:2.3:1.0')]],
        [acm1, [join(byPath, 'pci-0000:00:14.0-usb-0:2.4:1.0')]],
      ]);
      assert.deepEqual(stableNames(join(dir, 'serial', 'by-id')).size, 0, 'no folder: no names');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ok SerialPort.list() ports are listed with whatever stable names exist', async () => {
    const ports = await discoverSerialPorts(join(tmpdir(), 'no-such-serial-root'));
    for (const p of ports) {
      assert.match(p.device, /^\/dev\//);
      assert.deepEqual([p.byPath, p.byId], [[], []]);
    }
  });

  it('ok USB devices are listed by VID:PID and bus-port path', () => {
    const library = new FakeUsbLibrary();
    library.plug(new FakeUsbDevice({ vendorId: 0x1209, productId: 0x4a49, busNumber: 3, portNumbers: [1, 4, 2] }));
    assert.deepEqual(
      discoverUsbDevices(library).map(({ device, usbPath }) => ({ device, usbPath })),
      [{ device: '1209:4a49', usbPath: '3-1.4.2' }],
    );
  });
});
