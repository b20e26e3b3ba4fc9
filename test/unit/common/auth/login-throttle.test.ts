import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LoginThrottle } from '../../../../src/common/auth/login-throttle.js';

describe('login throttle', () => {
  it('ok after five failures in a minute a name waits; success or time clears it; other names are not affected', () => {
    const t = new LoginThrottle(5, 60_000);
    for (let i = 0; i < 4; i++) t.failed('dana', 1_000 + i);
    assert.equal(t.blockedFor('dana', 2_000), 0);
    t.failed('dana', 1_004);
    assert.equal(t.blockedFor('dana', 2_000), 59_000);
    assert.equal(t.blockedFor('sam', 2_000), 0);
    assert.equal(t.blockedFor('dana', 61_000), 0);
    t.failed('sam', 0);
    t.succeeded('sam');
    assert.equal(t.blockedFor('sam', 1), 0);
  });
});
