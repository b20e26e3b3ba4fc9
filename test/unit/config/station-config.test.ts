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
  jigConfigPath: 'jigs.json',
});

describe('station config validated at boot', () => {
  it('ok a good config gets its defaults', () => {
    const c = validateConfig(StationConfig, good());
    assert.equal(c.products[0].keyAlgorithm, 'ec-p256');
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

  it('fail duplicate product models', () => {
    const c = good();
    c.products.push({ model: 'thermo-1', hardwareTypeOid: '1.2.3.5' });
    assert.deepEqual(checkStationConfig(validateConfig(StationConfig, c)), ['products[1].model: duplicate product "thermo-1"']);
  });

  it('fail jigs given in the station file are refused: they live in the jig configuration file', () => {
    const c = { ...good(), jigs: [] };
    assert.throws(() => validateConfig(StationConfig, c), (e: unknown) => e instanceof ConfigError && /jigs should not exist/.test(e.message));
  });

  it('ok secrets are redacted for logs', () => {
    const shown = JSON.stringify(redact(good()));
    assert.doesNotMatch(shown, /secret-pin/);
  });
});
