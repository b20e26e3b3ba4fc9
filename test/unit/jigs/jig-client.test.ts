import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JigClient, defaultRequestTimeoutMs, type JigClientOptions } from '../../../src/station/jigs/jig-client.js';
import { JigDisconnectedError, JigNackError, JigProtocolError, JigTimeoutError } from '../../../src/station/jigs/jig.errors.js';
import {
  FrameDecoder,
  NackCode,
  RESPONSE_FLAG,
  describeType,
  encodeAnswer,
  encodeFrame,
  type DecodedItem,
  type Frame,
  type JigAnswer,
  type NackName,
} from '../../../src/station/jigs/protocol/index.js';
import { createInMemoryJigTransportPair, type InMemoryJigTransport } from '../../../src/station/jigs/transport/in-memory-jig.transport.js';

/** What the scripted device does with the n-th frame it receives (n from 1): bytes to send back, or nothing. */
type Script = (frame: Frame, n: number) => Uint8Array | Uint8Array[] | undefined | Promise<Uint8Array | Uint8Array[] | undefined>;

const HELLO: JigAnswer = {
  type: 'HELLO',
  model: 'M1',
  serial: 'SN-1',
  firmware: '1.0',
  protocolVersion: 1,
  keyAlgorithms: ['ec-p256'],
  flags: { hasKey: false, hasCertificate: false, locked: false },
};

function answer(frame: Frame, body: JigAnswer, overrides: { seq?: number; slot?: number } = {}): Uint8Array {
  const { type, payload } = encodeAnswer(body);
  return encodeFrame({ type, slot: overrides.slot ?? frame.slot, seq: overrides.seq ?? frame.seq, payload });
}

function nackFrame(frame: Frame, name: NackName, reason: string): Uint8Array {
  return answer(frame, { type: 'NACK', code: NackCode[name], codeName: name, reason });
}

const clients: JigClient[] = [];
after(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

/** A client wired to a device that follows `script`; `received` lists every frame the device got. */
async function setup(script: Script, options: JigClientOptions = {}) {
  const { station, device } = createInMemoryJigTransportPair({ description: 'test-jig', maxChunk: 7 });
  await device.open();
  const received: Frame[] = [];
  const decoder = new FrameDecoder();
  decoder.on('data', async (item: DecodedItem) => {
    if (item.kind !== 'frame') return;
    received.push(item.frame);
    const out = await script(item.frame, received.length);
    for (const bytes of out === undefined ? [] : Array.isArray(out) ? out : [out]) if (device.isOpen) await device.write(bytes);
  });
  device.onData((chunk) => decoder.write(chunk));
  const client = await JigClient.open(station, { requestTimeoutMs: 80, retries: 2, interFrameTimeoutMs: 20, initialSeq: 100, ...options });
  clients.push(client);
  return { client, received, device: device as InMemoryJigTransport };
}

describe('JigClient', () => {
  it('ok hello over a chunking line', async () => {
    const { client, received } = await setup((frame) => answer(frame, HELLO));
    const hello = await client.hello(2);
    assert.equal(hello.serial, 'SN-1');
    assert.deepEqual(received.map((f) => [f.slot, f.seq, describeType(f.type)]), [[2, 101, 'HELLO']]);
  });

  it('ok retransmits with the same seq on timeout', async () => {
    const { client, received } = await setup((frame, n) => (n < 3 ? undefined : answer(frame, HELLO)));
    await client.hello(0);
    assert.equal(received.length, 3);
    assert.deepEqual(new Set(received.map((f) => f.seq)).size, 1, 'all tries carry one seq');
  });

  it('ok a late answer to the first try completes the request', async () => {
    const { client, received } = await setup(async (frame, n) => {
      if (n > 1) return undefined; // only the first try is answered, after the timeout
      await new Promise((resolve) => setTimeout(resolve, 120));
      return answer(frame, HELLO);
    });
    await client.hello(0);
    assert.equal(received.length, 2);
  });

  it('ok ignores answers with a stale seq or for another slot', async () => {
    const { client } = await setup((frame) => [
      answer(frame, { ...HELLO, serial: 'STALE' }, { seq: frame.seq - 1 }),
      answer(frame, { ...HELLO, serial: 'OTHER-SLOT' }, { slot: frame.slot + 1 }),
      answer(frame, HELLO),
    ]);
    assert.equal((await client.hello(4)).serial, 'SN-1');
  });

  it('ok retransmits at once after a corrupt answer instead of waiting out the timeout', async () => {
    const { client, received } = await setup(
      (frame, n) => {
        const bytes = answer(frame, HELLO);
        if (n === 1) bytes[12] ^= 0x10;
        return bytes;
      },
      { requestTimeoutMs: 5000 },
    );
    const started = Date.now();
    await client.hello(1);
    assert.equal(received.length, 2);
    assert.ok(Date.now() - started < 1000, 'did not wait for the 5 s timeout');
  });

  it('ok one request on the wire at a time, in call order', async () => {
    let outstanding = 0;
    let maxOutstanding = 0;
    const { client, received } = await setup(async (frame) => {
      maxOutstanding = Math.max(maxOutstanding, ++outstanding);
      await new Promise((resolve) => setTimeout(resolve, 5));
      outstanding--;
      return answer(frame, { ...HELLO, serial: `SN-${frame.slot}` });
    });
    const serials = await Promise.all([0, 1, 2, 3].map(async (slot) => (await client.hello(slot)).serial));
    assert.deepEqual(serials, ['SN-0', 'SN-1', 'SN-2', 'SN-3']);
    assert.deepEqual(received.map((f) => f.slot), [0, 1, 2, 3]);
    assert.equal(maxOutstanding, 1);
  });

  it('ok BUSY is retried after a backoff', async () => {
    const { client, received } = await setup((frame, n) => (n === 1 ? nackFrame(frame, 'BUSY', 'generating key') : answer(frame, { type: 'LOCK' })), {
      busyBackoffMs: 10,
    });
    await client.lock(0);
    assert.equal(received.length, 2);
  });

  it('fail NACK LOCKED maps to a non-retryable JigNackError with the device reason', async () => {
    const { client } = await setup((frame) => nackFrame(frame, 'LOCKED', 'identity is locked'));
    await assert.rejects(client.inject(3, Uint8Array.of(0x30), []), (error: unknown) => {
      assert.ok(error instanceof JigNackError);
      assert.equal(error.nackName, 'LOCKED');
      assert.equal(error.nackCode, NackCode.LOCKED);
      assert.equal(error.reason, 'identity is locked');
      assert.equal(error.retryable, false);
      assert.match(error.message, /^Jig test-jig \(station end\) slot 3 refused INJECT: LOCKED \("identity is locked"\)\. /);
      return true;
    });
  });

  it('fail NACK STORAGE_FAILURE is retryable, KEY_MISMATCH is not, unknown codes are named', async () => {
    const codes: Array<[number, string]> = [];
    const { client } = await setup((frame, n) =>
      n === 1
        ? nackFrame(frame, 'STORAGE_FAILURE', 'flash')
        : n === 2
          ? nackFrame(frame, 'KEY_MISMATCH', 'not my key')
          : answer(frame, { type: 'NACK', code: 0x77, codeName: 'UNKNOWN', reason: 'new' }),
    );
    for (const call of [() => client.lock(0), () => client.inject(0, Uint8Array.of(1), []), () => client.readBack(0)]) {
      await call().catch((error: JigNackError) => codes.push([error.nackCode, `${error.nackName}:${error.retryable}`]));
    }
    assert.deepEqual(codes, [
      [NackCode.STORAGE_FAILURE, 'STORAGE_FAILURE:true'],
      [NackCode.KEY_MISMATCH, 'KEY_MISMATCH:false'],
      [0x77, 'UNKNOWN:false'],
    ]);
  });

  it('fail timeout: error names slot, request, tries, and the corrupt frames seen', async () => {
    const { client, received } = await setup((frame) => {
      const bytes = answer(frame, { type: 'CSR_REQUEST', csr: Uint8Array.of(0x30, 0) });
      bytes[bytes.length - 2] ^= 0xff;
      return bytes;
    });
    await assert.rejects(client.requestCsr(5, 'ec-p256'), (error: unknown) => {
      assert.ok(error instanceof JigTimeoutError);
      assert.equal(error.retryable, true);
      assert.equal(error.tries, 3);
      assert.equal(error.corruptFrames, 3);
      assert.equal(error.context.slot, 5);
      assert.equal(
        error.message,
        'Jig test-jig (station end) slot 5: no valid answer to CSR_REQUEST after 3 tries (80 ms each); ' +
          'the line carried only 3 frame(s) with a bad CRC. ' +
          'Check the cable and connector of this slot; if it persists, set the device aside as faulty.',
      );
      return true;
    });
    assert.equal(received.length, 3);
  });

  it('fail timeout on a silent device says nothing came back', async () => {
    const { client } = await setup(() => undefined, { retries: 1 });
    await assert.rejects(client.hello(0), (error: unknown) => {
      assert.ok(error instanceof JigTimeoutError);
      assert.equal(error.corruptFrames, 0);
      assert.match(error.message, /slot 0: no valid answer to HELLO after 2 tries \(80 ms each\); nothing came back\. Check that the device is seated/);
      return true;
    });
  });

  it('fail an answer of the wrong type is a JigProtocolError', async () => {
    const { client } = await setup((frame) => encodeFrame({ type: 0x02 | RESPONSE_FLAG, slot: frame.slot, seq: frame.seq, payload: new Uint8Array(0) }));
    await assert.rejects(client.readBack(0), (error: unknown) => {
      assert.ok(error instanceof JigProtocolError);
      assert.equal(error.retryable, false);
      assert.match(error.message, /invalid answer to READ_BACK/);
      return true;
    });
  });

  it('fail the line closing fails the outstanding and the queued requests with JigDisconnectedError', async () => {
    const { client, device } = await setup(async (_frame, n) => {
      if (n === 1) setTimeout(() => void device.close(), 10);
      return undefined;
    }, { requestTimeoutMs: 1000 });
    const results = await Promise.allSettled([client.hello(0), client.hello(1)]);
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.ok(result.reason instanceof JigDisconnectedError);
      assert.equal(result.reason.retryable, true);
    }
  });

  it('fail a bad slot number is refused before anything is sent', async () => {
    const { client, received } = await setup((frame) => answer(frame, HELLO));
    await assert.rejects(client.hello(255), /device slot must be an integer 0..254/);
    assert.equal(received.length, 0);
  });

  it('ok default timeouts scale with baud rate and key generation cost', () => {
    const hello115k = defaultRequestTimeoutMs({ type: 'HELLO' });
    assert.ok(hello115k > 700 && hello115k < 1200, `HELLO at 115200: ${hello115k}`);
    // a slow line waits for a HELLO answer's wire time, not for a maximal frame's (8.5 s at 9600)
    const hello9600 = defaultRequestTimeoutMs({ type: 'HELLO' }, 9600);
    assert.ok(hello9600 > hello115k + 400 && hello9600 < 2000, `HELLO at 9600: ${hello9600}`);
    assert.ok(defaultRequestTimeoutMs({ type: 'READ_BACK' }, 9600) > 8500, 'READ_BACK may carry a maximal frame');
    assert.ok(defaultRequestTimeoutMs({ type: 'CSR_REQUEST', algorithm: 'rsa-3072' }) > defaultRequestTimeoutMs({ type: 'CSR_REQUEST', algorithm: 'ec-p256' }));
  });
});
