/**
 * USB hot-plug at the level of the station's JigManager: a jig of two USB controllers, whose
 * station slots 0..3 are spread over both ports by the jig configuration. One controller is
 * unplugged and a new one plugged into the same socket: the manager reports the port absent and
 * back, its slots fail with JigDisconnectedError meanwhile, and a run that started before the
 * re-plug does not continue on the new line.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJigConfiguration } from '../../../src/config/jig-config.js';
import type { StationConfig } from '../../../src/config/station-config.js';
import { JigDisconnectedError } from '../../../src/station/jigs/jig.errors.js';
import { usbLineDriver } from '../../../src/station/jigs/jig-line-drivers.js';
import type { LinkState } from '../../../src/station/jigs/jig-link.js';
import { JigManager, type SlotChannel } from '../../../src/station/provisioning/jig-manager.js';
import { SimulatedJig } from '../../../fixtures/device-simulator/simulated-jig.js';
import { parseDeviceList } from '../../../fixtures/device-simulator/simulator-config.js';
import { FakeUsbDevice, FakeUsbLibrary } from './fake-usb.js';

const JIGS = `{
  "jigs": [
    { "id": "usb-jig", "product": "MODEL-U", "ports": [
      { "transport": "usb", "device": "1209:4a49", "usbPath": "1-2.3", "slots": [0, 1] },
      { "transport": "usb", "device": "1209:4a49", "usbPath": "1-2.4", "slots": [2, 3] }
    ] }
  ]
}`;

async function until<T>(probe: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('USB jigs: hot-plug through the jig manager', () => {
  const root = mkdtempSync(join(tmpdir(), 'usb-hotplug-'));
  const library = new FakeUsbLibrary();
  const { jigs } = parseJigConfiguration(JIGS, 'jigs.json', ['MODEL-U']);
  const manager = new JigManager({ jigs } as StationConfig, (port) => usbLineDriver(port as Parameters<typeof usbLineDriver>[0], async () => library));
  const events: string[] = [];
  manager.onPortChange((jigId, port, state: LinkState) => events.push(`${jigId} port ${port} ${state}`));
  after(async () => {
    await manager.onApplicationShutdown();
    rmSync(root, { recursive: true, force: true });
  });

  /** A jig controller with two devices, the reference simulator behind its endpoints. */
  function controller(name: string, port: number, serials: string): FakeUsbDevice {
    const device = new FakeUsbDevice({ portNumbers: [2, port], inPacketSizes: [17, 64] });
    const config = {
      jigId: name,
      stateDir: join(root, name),
      baudRate: 115200,
      modelWire: false,
      tcpHost: '127.0.0.1',
      slotCount: 2,
      devices: parseDeviceList(serials),
      slowMs: 0,
      rebootMs: 0,
      verbose: false,
    };
    new SimulatedJig(config, () => undefined).attach(device.firmware);
    return library.plug(device);
  }

  const serialAt = (slot: number) => manager.withSlot('usb-jig', slot, (device) => device.hello()).then((h) => h.serial);

  it('ok both controllers are found by VID:PID and socket; station slots map to (port, address)', async () => {
    controller('left', 3, 'L-0:MODEL-U,L-1:MODEL-U');
    controller('right', 4, 'R-0:MODEL-U,R-1:MODEL-U');
    await manager.onApplicationBootstrap();
    assert.deepEqual(manager.ports().map((p) => `${p.port} ${p.state}`), ['usb 1209:4a49 at 1-2.3 present', 'usb 1209:4a49 at 1-2.4 present']);
    assert.deepEqual(await manager.scan('usb-jig'), { slots: [0, 1, 2, 3], absentPorts: [] });
    assert.deepEqual(await Promise.all([0, 1, 2, 3].map(serialAt)), ['L-0', 'L-1', 'R-0', 'R-1']);
  });

  it('ok unplugged: its slots are disconnected, the other port works on; plugged back into the same socket: its slots are back', async () => {
    const right = library.getDeviceList().find((d) => d.portNumbers[1] === 4) as FakeUsbDevice;
    let started: SlotChannel | undefined;
    await manager.withSlot('usb-jig', 2, async (device) => {
      started = device;
      await device.hello();
    });

    library.unplug(right);
    await until(() => manager.ports()[1].state === 'absent', 'port 1 absent');
    await assert.rejects(serialAt(3), (error: unknown) => error instanceof JigDisconnectedError && /usb 1209:4a49 at 1-2\.4 is disconnected/.test(error.message));
    assert.deepEqual(await manager.scan('usb-jig'), { slots: [0, 1], absentPorts: ['usb 1209:4a49 at 1-2.4'] });
    assert.equal(await serialAt(1), 'L-1');

    controller('right-again', 4, 'R2-0:MODEL-U,R2-1:MODEL-U'); // a replacement controller, same socket
    await until(() => manager.ports()[1].state === 'present', 'port 1 back');
    assert.equal(await serialAt(3), 'R2-1', 'slot 3 is still port 2 address 1');
    assert.deepEqual(events, ['usb-jig port 0 present', 'usb-jig port 1 present', 'usb-jig port 1 absent', 'usb-jig port 1 present']);
    // a run begun before the pull never goes on over the new line (its slot may hold another device)
    await assert.rejects(started!.hello(), /the line was re-opened during this run/);
  });

  it('ok two runs of one slot take turns (a resumed run and a fresh scan never interleave); other slots run alongside', async () => {
    const trace: string[] = [];
    const run = (slot: number, name: string, holdMs: number) =>
      manager.withSlot('usb-jig', slot, async (device) => {
        trace.push(`${name} start`);
        await device.hello();
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        trace.push(`${name} end`);
      });
    await Promise.all([run(0, 'first', 60), run(0, 'second', 0), run(1, 'other', 0)]);
    assert.deepEqual(
      trace.filter((t) => !t.startsWith('other')),
      ['first start', 'first end', 'second start', 'second end'],
    );
    assert.ok(trace.indexOf('other end') < trace.indexOf('first end'), `slot 1 did not wait for slot 0: ${trace.join(', ')}`);
  });

  it('fail a slot the jig configuration does not have is refused', async () => {
    await assert.rejects(serialAt(4), /jig usb-jig has no slot 4 in its configuration/);
  });
});
