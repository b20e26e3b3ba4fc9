/**
 * The JigTransport contract (src/station/jigs/transport/jig-transport.port.ts), as one suite run
 * against every backend: in memory and USB bulk over a fake usb library (unit tier), pty serial
 * and TCP (integration tier).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JigDisconnectedError } from '../../../src/station/jigs/jig.errors.js';
import type { JigTransport } from '../../../src/station/jigs/transport/jig-transport.port.js';

export interface TransportPair {
  /** Not opened yet: the contract opens it. */
  station: JigTransport;
  /** The other end, open; called after `station.open()` (a TCP server end exists only once accepted). */
  device(): Promise<JigTransport>;
  /** Takes the line away underneath the station end: unplug, kill the pty, drop the socket. */
  pullCable(): Promise<void>;
  cleanup(): Promise<void>;
}

function collect(transport: JigTransport): { bytes: number[]; off: () => void } {
  const bytes: number[] = [];
  const off = transport.onData((chunk) => {
    assert.ok(chunk.length > 0, 'chunks are never empty');
    bytes.push(...chunk);
  });
  return { bytes, off };
}

async function until(predicate: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function jigTransportContract(name: string, makePair: () => Promise<TransportPair>): void {
  describe(`JigTransport contract: ${name}`, () => {
    it('ok bytes arrive complete and in order, both ways, whatever the chunking', async () => {
      const pair = await makePair();
      try {
        await pair.station.open();
        const device = await pair.device();
        const atDevice = collect(device);
        const atStation = collect(pair.station);
        const sent: number[] = [];
        for (const size of [1, 2, 300, 4000, 13]) {
          const chunk = Uint8Array.from({ length: size }, (_, i) => (sent.length + i) & 0xff);
          sent.push(...chunk);
          await pair.station.write(chunk);
        }
        await device.write(Uint8Array.of(9, 8, 7));
        await until(() => atDevice.bytes.length >= sent.length && atStation.bytes.length >= 3, 'all bytes');
        assert.deepEqual(atDevice.bytes, sent);
        assert.deepEqual(atStation.bytes, [9, 8, 7]);
      } finally {
        await pair.cleanup();
      }
    });

    it('ok close is idempotent, reported once without error; then write and open are refused', async () => {
      const pair = await makePair();
      try {
        await pair.station.open();
        await pair.device();
        const closes: Array<Error | undefined> = [];
        pair.station.onClose((error) => closes.push(error));
        assert.equal(pair.station.isOpen, true);
        await pair.station.close();
        await pair.station.close();
        assert.deepEqual(closes, [undefined]);
        assert.equal(pair.station.isOpen, false);
        await assert.rejects(pair.station.write(Uint8Array.of(1)), JigDisconnectedError);
        await assert.rejects(pair.station.open(), JigDisconnectedError);
      } finally {
        await pair.cleanup();
      }
    });

    it('ok a removed data listener hears nothing more', async () => {
      const pair = await makePair();
      try {
        await pair.station.open();
        const device = await pair.device();
        const removed = collect(device);
        removed.off();
        const kept = collect(device);
        await pair.station.write(Uint8Array.of(1, 2, 3));
        await until(() => kept.bytes.length === 3, 'bytes at the kept listener');
        assert.deepEqual(removed.bytes, []);
      } finally {
        await pair.cleanup();
      }
    });

    it('fail a line pulled underneath: one close with an Error, then writes are refused and nothing more arrives', async () => {
      const pair = await makePair();
      try {
        await pair.station.open();
        await pair.device();
        const closes: Array<Error | undefined> = [];
        pair.station.onClose((error) => closes.push(error));
        const heard = collect(pair.station);
        await pair.pullCable();
        await until(() => closes.length > 0, 'the close event', 5000);
        assert.equal(closes.length, 1);
        assert.ok(closes[0] instanceof Error, 'closed with an error, not as a local close');
        assert.equal(pair.station.isOpen, false);
        await assert.rejects(pair.station.write(Uint8Array.of(1)), JigDisconnectedError);
        await pair.station.close();
        assert.equal(closes.length, 1, 'a local close after the pull is not reported again');
        assert.deepEqual(heard.bytes, []);
      } finally {
        await pair.cleanup();
      }
    });

    it('fail writing before open is refused with JigDisconnectedError', async () => {
      const pair = await makePair();
      try {
        await assert.rejects(pair.station.write(Uint8Array.of(1)), JigDisconnectedError);
      } finally {
        await pair.cleanup();
      }
    });
  });
}
