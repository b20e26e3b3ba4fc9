import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../../src/config/validate-config.js';
import { CentralConfig } from '../../../src/config/central-config.js';
import { ConfigError } from '../../../src/common/domain-error.js';

const good = (): Record<string, unknown> => ({
  databasePath: '/tmp/central.db',
  http: { port: 8443 },
  hsm: { modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'central', pin: 'secret-pin' },
  brand: { organization: 'Acme Devices', rootCommonName: 'Acme Devices Brand Root CA' },
  adminToken: 'admin',
});

describe('central config: the allocator and heap settings', () => {
  it('ok defaults to auto and takes each documented choice', () => {
    assert.equal(validateConfig(CentralConfig, good()).allocator, 'auto');
    for (const allocator of ['auto', 'jemalloc', 'system']) assert.equal(validateConfig(CentralConfig, { ...good(), allocator }).allocator, allocator);
  });

  it('fail another allocator is refused at boot, by name', () => {
    assert.throws(() => validateConfig(CentralConfig, { ...good(), allocator: 'tcmalloc' }), (err: unknown) => err instanceof ConfigError && /allocator/.test(err.message));
  });

  it('ok V8 heap growth defaults to 200% and 0 leaves it to V8', () => {
    assert.equal(validateConfig(CentralConfig, good()).heapGrowingPercent, 200);
    assert.equal(validateConfig(CentralConfig, { ...good(), heapGrowingPercent: 0 }).heapGrowingPercent, 0);
  });

  it('fail a heap growth below 0, above 300 or not a whole number is refused at boot, by name', () => {
    for (const heapGrowingPercent of [-1, 301, 12.5, '200']) {
      assert.throws(() => validateConfig(CentralConfig, { ...good(), heapGrowingPercent }), (err: unknown) => err instanceof ConfigError && /heapGrowingPercent/.test(err.message), String(heapGrowingPercent));
    }
  });
});
