import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig, redact } from '../../../src/config/validate-config.js';
import { StationConfig, checkStationConfig } from '../../../src/config/station-config.js';
import { ConfigError } from '../../../src/common/domain-error.js';

const good = () => ({
  stationId: 'line-1',
  databasePath: '/tmp/x.db',
  http: { port: 8080 },
  redis: { port: 6379 },
  hsm: { modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'station', pin: 'secret-pin' },
  central: { url: 'http://127.0.0.1:1', apiToken: 't' },
  trustAnchorPath: '/etc/station/brand-root.pem',
  products: [{ model: 'thermo-1', hardwareTypeOid: '1.2.3.4' }],
  jigs: [{ id: 'jig-1', path: '/dev/serial/by-path/x', product: 'thermo-1' }],
});

describe('station config validated at boot', () => {
  it('ok a good config gets its defaults', () => {
    const c = validateConfig(StationConfig, good());
    assert.equal(c.products[0].keyAlgorithm, 'ec-p256');
    assert.equal(c.jigs[0].baudRate, 115200);
    assert.equal(c.provisioningAttempts, 5);
    assert.deepEqual(checkStationConfig(c), []);
  });

  it('fail each bad setting is named by its path', () => {
    const cases: Array<[(c: ReturnType<typeof good>) => void, RegExp]> = [
      [(c) => (c.http.port = 70000), /http\.port/],
      [(c) => ((c.products[0] as { keyAlgorithm?: string }).keyAlgorithm = 'rsa-1024'), /products\.0\.keyAlgorithm/],
      [(c) => (c.products[0].hardwareTypeOid = 'not-an-oid'), /hardwareTypeOid/],
      [(c) => (c.central.url = 'ftp://x'), /central\.url/],
      [(c) => ((c as Record<string, unknown>).surprise = 1), /surprise/],
      [(c) => ((c.hsm as { pin?: string }).pin = undefined), /hsm\.pin/],
    ];
    for (const [mutate, expected] of cases) {
      const c = good();
      mutate(c);
      assert.throws(() => validateConfig(StationConfig, c), (e: unknown) => e instanceof ConfigError && expected.test(e.message));
    }
  });

  it('fail a jig naming an unknown product, and duplicate jig ids', () => {
    const c = good();
    c.jigs.push({ id: 'jig-1', path: '/dev/x', product: 'nope' });
    assert.deepEqual(checkStationConfig(validateConfig(StationConfig, c)), [
      'jigs[1].product: unknown product "nope"',
      'jigs[1].id: duplicate jig id "jig-1"',
    ]);
  });

  it('ok secrets are redacted for logs', () => {
    const shown = JSON.stringify(redact(good()));
    assert.doesNotMatch(shown, /secret-pin/);
  });
});
