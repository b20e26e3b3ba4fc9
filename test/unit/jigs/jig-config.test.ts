/**
 * The jig configuration file (src/config/jig-config.ts): a good file gives the jigs with their
 * defaults; every mistake is refused at start with the line it is on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/common/domain-error.js';
import { locateSlot, parseJigConfiguration, slotAt } from '../../../src/config/jig-config.js';
import { loadStationConfig } from '../../../src/config/station-config.js';

const PRODUCTS = ['thermo-1', 'valve-2'];

const GOOD = `{
  "version": 1,
  "jigs": [
    {
      "id": "jig-1",
      "product": "thermo-1",
      "ports": [
        { "transport": "serial", "path": "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2.1:1.0-port0" }
      ]
    },
    {
      "id": "jig-2",
      "product": "valve-2",
      "maxParallel": 2,
      "ports": [
        { "transport": "serial", "path": "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2.2:1.0-port0",
          "baudRate": 57600, "parity": "even", "stopBits": 2, "slots": [0, 1] },
        { "transport": "usb", "device": "1209:4A49", "usbPath": "1-2.4", "interface": 1, "slots": [2, null, 3] }
      ]
    }
  ]
}
`;

/** The refusal's message, or a failed assertion if the text was accepted. */
function refusal(text: string): string {
  try {
    parseJigConfiguration(text, 'jigs.json', PRODUCTS);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('the configuration was accepted');
}

/** GOOD with one line replaced: the mistake sits on a known line. */
function withLine(lineNo: number, replacement: string): string {
  const lines = GOOD.split('\n');
  lines[lineNo - 1] = replacement;
  return lines.join('\n');
}

describe('jig configuration file', () => {
  it('ok a good file gives every jig, port and slot mapping with defaults', () => {
    const { jigs, warnings } = parseJigConfiguration(GOOD, 'jigs.json', PRODUCTS);
    assert.deepEqual(warnings, []);
    assert.equal(jigs.length, 2);
    const [one, two] = jigs;
    assert.equal(one.maxParallel, 4);
    assert.deepEqual(one.ports[0], {
      transport: 'serial',
      path: '/dev/serial/by-path/pci-0000:00:14.0-usb-0:2.1:1.0-port0',
      baudRate: 115200,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      rtscts: false,
      source: 'jigs.json:8',
    });
    assert.equal(two.source, 'jigs.json:11');
    assert.deepEqual(two.ports[1], { transport: 'usb', vendorId: 0x1209, productId: 0x4a49, usbPath: '1-2.4', interfaceNumber: 1, slots: [2, null, 3], source: 'jigs.json:18' });
    // station slot -> (port, address on that port's line), and back
    assert.deepEqual(locateSlot(one, 17), { portIndex: 0, address: 17 }, 'a single unmapped port: slot = address');
    assert.deepEqual(locateSlot(two, 1), { portIndex: 0, address: 1 });
    assert.deepEqual(locateSlot(two, 3), { portIndex: 1, address: 2 });
    assert.equal(locateSlot(two, 4), undefined);
    assert.equal(slotAt(two.ports[1], 1), undefined, 'null: an address no slot uses');
  });

  it('fail a duplicate slot is refused at the line of the second, naming the first', () => {
    const message = refusal(withLine(18, '        { "transport": "usb", "device": "1209:4a49", "usbPath": "1-2.4", "slots": [2, 1] }'));
    assert.match(message, /^jigs\.json is invalid:\n  jigs\.json:18: jigs\[1\]\.ports\[1\]\.slots\[1\]: slot 1 is given twice \(first at line 17\)$/);
  });

  it('fail an unknown transport is refused at its line, with the ones that exist', () => {
    const message = refusal(withLine(8, '        { "transport": "bluetooth", "path": "/dev/rfcomm0" }'));
    assert.match(message, /jigs\.json:8: jigs\[0\]\.ports\[0\]\.transport: unknown transport "bluetooth": use one of "serial", "usb"/);
  });

  it('fail a bad VID:PID is refused at its line, saying what it should look like', () => {
    for (const device of ['12094a49', '1209:4a4', 'zz09:4a49', '0000:4a49']) {
      const message = refusal(withLine(18, `        { "transport": "usb", "device": "${device}", "usbPath": "1-2.4", "slots": [2] }`));
      assert.match(message, /jigs\.json:18: jigs\[1\]\.ports\[1\]\.device: /, device);
    }
    assert.match(refusal(withLine(18, '        { "transport": "usb", "device": "1209-4a49", "slots": [2] }')), /"1209-4a49" is not VID:PID as two 4-digit hex numbers/);
  });

  it('fail every mistake of a file is listed at once, in line order', () => {
    const text = GOOD.replace('"maxParallel": 2', '"maxParallel": 0').replace('"thermo-1"', '"thermo-9"').replace('"stopBits": 2', '"stopBits": 3');
    const lines = refusal(text).split('\n').slice(1).map((l) => l.trim());
    assert.deepEqual(lines, [
      'jigs.json:6: jigs[0].product: unknown product "thermo-9" (the station builds thermo-1, valve-2)',
      'jigs.json:14: jigs[1].maxParallel: 0 is not an integer 1..64',
      'jigs.json:17: jigs[1].ports[0].stopBits: 3 is not one of 1, 2',
    ]);
  });

  it('fail the same physical port twice, a duplicate jig id, a typo in a setting name', () => {
    const twice = GOOD.replace('2.2:1.0-port0', '2.1:1.0-port0');
    assert.match(refusal(twice), /jigs\.json:16: jigs\[1\]\.ports\[0\]: port \/dev\/serial\/by-path\/\S+ is given twice \(first at line 8\)/);
    assert.match(refusal(GOOD.replace('"jig-2"', '"jig-1"')), /jigs\.json:12: jigs\[1\]\.id: jig id "jig-1" is given twice \(first at line 5\)/);
    assert.match(refusal(GOOD.replace('"baudRate": 57600', '"baudrate": 57600')), /jigs\.json:17: jigs\[1\]\.ports\[0\]\.baudrate: unknown setting "baudrate"/);
  });

  it('fail a jig with several ports must map its slots; a key given twice; broken JSON names its line', () => {
    assert.match(refusal(GOOD.replace(', "slots": [0, 1]', '')), /jigs\.json:16: jigs\[1\]\.ports\[0\]: a jig with several ports must say which slot numbers/);
    assert.match(refusal(GOOD.replace('"maxParallel": 2,', '"maxParallel": 2, "maxParallel": 3,')), /^jigs\.json:14: "maxParallel" is given twice in this object$/);
    assert.match(refusal(GOOD.replace('"valve-2",', '"valve-2"')), /^jigs\.json:14: expected '}' but found '"'$/);
  });

  it('ok a serial port not named by its physical path, or a USB port without usbPath, is accepted with a warning', () => {
    const text = GOOD.replace('/dev/serial/by-path/pci-0000:00:14.0-usb-0:2.1:1.0-port0', '/dev/ttyUSB0').replace('"usbPath": "1-2.4", ', '');
    const { warnings } = parseJigConfiguration(text, 'jigs.json', PRODUCTS);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /^jigs\.json:8: \/dev\/ttyUSB0 is not a \/dev\/serial\/by-path name/);
    assert.match(warnings[1], /^jigs\.json:18: usb 1209:4A49 has neither "usbPath" nor "serialNumber"/);
  });

  it('fail the station does not start on a bad jig file: loadStationConfig refuses it with the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jig-config-'));
    try {
      const station = {
        stationId: 'line-1',
        databasePath: join(dir, 'x.db'),
        http: { port: 8080 },
        redis: { port: 6379 },
        hsm: { modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'station', pin: '1234' },
        central: { url: 'http://127.0.0.1:1', apiToken: 't' },
        trustAnchorPath: join(dir, 'root.pem'),
        products: [{ model: 'thermo-1', hardwareTypeOid: '1.2.3.4' }, { model: 'valve-2', hardwareTypeOid: '1.2.3.5' }],
        jigConfigPath: 'jigs.json',
      };
      writeFileSync(join(dir, 'station.json'), JSON.stringify(station));
      writeFileSync(join(dir, 'jigs.json'), GOOD);
      const { config } = loadStationConfig(join(dir, 'station.json'));
      assert.deepEqual(config.jigs.map((j) => j.id), ['jig-1', 'jig-2']);

      writeFileSync(join(dir, 'jigs.json'), withLine(18, '        { "transport": "usb", "device": "1209:4a49:00", "slots": [2] }'));
      assert.throws(() => loadStationConfig(join(dir, 'station.json')), (e: unknown) => e instanceof ConfigError && e.message.includes(`${join(dir, 'jigs.json')}:18: jigs[1].ports[1].device`));

      writeFileSync(join(dir, 'station.json'), JSON.stringify({ ...station, jigConfigPath: undefined, jigs: [{ id: 'j', path: '/dev/x', product: 'thermo-1' }] }));
      assert.throws(() => loadStationConfig(join(dir, 'station.json')), /"jigs" is no longer a station setting: list the jigs in a jig configuration file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
