import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pooledRandomBytes } from '../../../src/common/random-pool.js';

describe('pooled random bytes', () => {
  it('hands out copies of the size asked for, never the same bytes twice, across refills', () => {
    const seen = new Set<string>();
    // 3,000 draws of 16 bytes go through the 4 KiB pool about twelve times
    for (let i = 0; i < 3000; i++) {
      const b = pooledRandomBytes(16);
      assert.equal(b.length, 16);
      seen.add(b.toString('hex'));
    }
    assert.equal(seen.size, 3000);
  });

  it('a draw is its own memory: refilling the pool leaves earlier draws as they were', () => {
    const first = pooledRandomBytes(16);
    const kept = Buffer.from(first);
    for (let i = 0; i < 600; i++) pooledRandomBytes(16);
    assert.deepEqual(first, kept);
  });

  it('serves odd sizes across the end of the pool and draws bigger than the pool', () => {
    const sizes = [1, 7, 33, 4095, 4096, 5000];
    for (const n of sizes) assert.equal(pooledRandomBytes(n).length, n);
    const big = pooledRandomBytes(10_000);
    assert.ok(big.some((x) => x !== 0));
  });
});
