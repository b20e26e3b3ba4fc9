import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryHsm, InMemoryTokenStore } from '../../../src/hsm/in-memory-hsm.js';
import type { HsmPort } from '../../../src/hsm/hsm.port.js';
import { defineHsmContract } from '../../integration/hsm/hsm-contract.js';

const PIN = '40751928';
const TOKEN = 'contract';

defineHsmContract('InMemoryHsm', async () => {
  const store = new InMemoryTokenStore();
  store.initToken(TOKEN, PIN);
  const opened: HsmPort[] = [];
  const open = (overrides: { pin?: string; tokenLabel?: string } = {}): HsmPort => {
    const hsm = InMemoryHsm.open({ tokenLabel: overrides.tokenLabel ?? TOKEN, pin: overrides.pin ?? PIN }, store);
    opened.push(hsm);
    return hsm;
  };
  return {
    hsm: open(),
    pin: PIN,
    reopen: open,
    async cleanup() {
      for (const hsm of opened) hsm.close();
    },
  };
});

describe('InMemoryHsm', () => {
  it('ok create() gives a ready HSM with its own empty token', () => {
    const a = InMemoryHsm.create();
    const b = InMemoryHsm.create();
    a.generateKeyPair('k', 'ec-p256');
    assert.deepEqual(a.listKeyLabels(), ['k']);
    assert.deepEqual(b.listKeyLabels(), [], 'tokens are not shared between create() calls');
  });
});
