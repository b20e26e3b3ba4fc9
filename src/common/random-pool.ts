import { randomFillSync } from 'node:crypto';

/**
 * CSPRNG output drawn 4 KiB at a time: one call into OpenSSL for many small draws (serials,
 * nonces, row versions) instead of one per draw, which costs more than the bytes on the hot
 * paths. Every draw is a copy, never a view on the pool, and no byte is handed out twice.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function pooledRandomBytes(size: number): Buffer {
  if (size > pool.length) return randomFillSync(Buffer.alloc(size));
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return out;
}
