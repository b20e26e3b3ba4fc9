import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameDecoder,
  MAX_PAYLOAD_LENGTH,
  MessageDecodeError,
  NackCode,
  RequestType,
  decodeAnswer,
  decodeRequest,
  decodeTlvs,
  encodeAnswer,
  encodeFrame,
  encodeRequest,
  encodeTlvs,
  toHex,
  type DecodedItem,
  type Frame,
  type JigAnswer,
  type JigRequest,
} from '../../../src/station/jigs/protocol/index.js';

/** Feeds chunks to a fresh decoder (optionally pausing between them) and returns what came out. */
async function decode(chunks: Uint8Array[], options: { gapMs?: number; interFrameTimeoutMs?: number } = {}): Promise<DecodedItem[]> {
  const decoder = new FrameDecoder({ interFrameTimeoutMs: options.interFrameTimeoutMs ?? 30 });
  const items: DecodedItem[] = [];
  decoder.on('data', (item: DecodedItem) => items.push(item));
  for (const chunk of chunks) {
    decoder.write(chunk);
    if (options.gapMs) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
  }
  await new Promise<void>((resolve) => decoder.end(resolve));
  return items;
}

const frames = (items: DecodedItem[]): Frame[] => items.flatMap((item) => (item.kind === 'frame' ? [item.frame] : []));
const defects = (items: DecodedItem[]): string[] => items.flatMap((item) => (item.kind === 'error' ? [item.error.kind] : []));

function sample(seq: number, size = 40): Uint8Array {
  return encodeFrame({ type: RequestType.INJECT, slot: 3, seq, payload: Uint8Array.from({ length: size }, (_, i) => (i * 7 + seq) & 0xff) });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => Array.from(part)));
}

function splitAt(bytes: Uint8Array, ...cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts, bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

describe('jig frame codec', () => {
  it('ok encodes the documented HELLO example byte for byte', () => {
    // docs/jig-protocol.md §3 worked example: HELLO to slot 0, seq 1, empty payload.
    const frame = encodeFrame({ type: RequestType.HELLO, slot: 0, seq: 1 });
    assert.equal(toHex(frame), 'a5 5a 01 02 00 00 01 00 00 77 11 1f f6');
  });

  it('ok round trip of a frame with payload', async () => {
    const bytes = sample(513, 300);
    const [item] = await decode([bytes]);
    assert.equal(item.kind, 'frame');
    const frame = (item as { frame: Frame }).frame;
    assert.deepEqual({ ...frame, payload: undefined }, { version: 1, type: RequestType.INJECT, slot: 3, seq: 513, payload: undefined });
    assert.deepEqual(frame.payload, bytes.subarray(9, 309));
  });

  it('ok frame split into 1-byte chunks', async () => {
    const bytes = sample(7);
    const items = await decode(Array.from(bytes, (b) => Uint8Array.of(b)));
    assert.deepEqual(frames(items).map((f) => f.seq), [7]);
    assert.deepEqual(defects(items), []);
  });

  it('ok awkward splits: inside the magic, the header, the length and the CRC', async () => {
    const bytes = sample(9);
    for (const cuts of [[1], [2, 5], [8], [7, 8], [bytes.length - 3], [1, 9, 10, bytes.length - 1]]) {
      const items = await decode(splitAt(bytes, ...cuts));
      assert.deepEqual(frames(items).map((f) => f.seq), [9], `cuts ${cuts.join(',')}`);
      assert.deepEqual(defects(items), [], `cuts ${cuts.join(',')}`);
    }
  });

  it('ok several frames merged in one chunk', async () => {
    const items = await decode([concat(sample(1), sample(2, 0), sample(3, 1000))]);
    assert.deepEqual(frames(items).map((f) => f.seq), [1, 2, 3]);
  });

  it('ok garbage before and between frames is skipped and reported as noise', async () => {
    const noise = Uint8Array.from([0x00, 0xff, 0xa5, 0x13, 0x5a, 0xa5]);
    const items = await decode([concat(noise, sample(1), noise, noise, sample(2))]);
    assert.deepEqual(frames(items).map((f) => f.seq), [1, 2]);
    assert.deepEqual(defects(items), ['noise', 'noise']);
    const counts = items.flatMap((item) => (item.kind === 'error' ? [item.error.byteCount] : []));
    assert.deepEqual(counts, [6, 12]);
  });

  it('ok a truncated frame followed (after a pause) by a good frame', async () => {
    const cut = sample(1, 200).subarray(0, 60);
    const items = await decode([cut, sample(2)], { gapMs: 60, interFrameTimeoutMs: 20 });
    assert.deepEqual(defects(items), ['truncated']);
    assert.deepEqual(frames(items).map((f) => f.seq), [2]);
  });

  it('ok a truncated frame followed at once by a good frame (length runs over it)', async () => {
    const cut = sample(1, 200).subarray(0, 60);
    const items = await decode([concat(cut, sample(2, 10))], { gapMs: 60, interFrameTimeoutMs: 20 });
    assert.deepEqual(frames(items).map((f) => f.seq), [2]);
    assert.ok(defects(items).includes('truncated'));
  });

  it('fail bad CRC: reported, dropped, and the next frame still decodes', async () => {
    const bad = sample(1);
    bad[20] ^= 0x40;
    const items = await decode([concat(bad, sample(2))]);
    assert.deepEqual(defects(items), ['bad-crc']);
    assert.deepEqual(frames(items).map((f) => f.seq), [2]);
    const error = items[0].kind === 'error' ? items[0].error : undefined;
    assert.equal(error?.nackCode, NackCode.BAD_CRC);
    assert.equal(error?.header?.seq, 1);
  });

  it('fail a corrupted header byte (slot) is caught by the CRC', async () => {
    const bad = sample(1);
    bad[4] = 9;
    const items = await decode([bad]);
    assert.deepEqual(frames(items), []);
    assert.deepEqual(defects(items), ['bad-crc']);
  });

  it('fail oversized length is rejected as soon as the header is in, then resync', async () => {
    const header = Uint8Array.from([0xa5, 0x5a, 0x01, 0x02, 0x00, 0x00, 0x05, 0xff, 0xff]);
    const decoder = new FrameDecoder();
    const items: DecodedItem[] = [];
    decoder.on('data', (item: DecodedItem) => items.push(item));
    decoder.write(header);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(defects(items), ['too-large'], 'rejected without waiting for 64 KiB');
    decoder.write(sample(2));
    await new Promise<void>((resolve) => decoder.end(resolve));
    assert.deepEqual(frames(items).map((f) => f.seq), [2]);
    assert.throws(() => encodeFrame({ type: 1, slot: 0, seq: 0, payload: new Uint8Array(MAX_PAYLOAD_LENGTH + 1) }), /exceeds 8192/);
  });

  it('fail wrong version: delimited by the frozen header, reported with its seq for a NACK', async () => {
    const items = await decode([concat(encodeFrame({ type: RequestType.HELLO, slot: 0, seq: 77, version: 2, payload: Uint8Array.of(1, 2) }), sample(2))]);
    assert.deepEqual(defects(items), ['unsupported-version']);
    assert.deepEqual(frames(items).map((f) => f.seq), [2]);
    const error = items[0].kind === 'error' ? items[0].error : undefined;
    assert.equal(error?.nackCode, NackCode.UNSUPPORTED_VERSION);
    assert.equal(error?.header?.seq, 77);
  });

  it('ok 1-byte chunks of noise, bad frames and good frames together', async () => {
    const bad = sample(5);
    bad[bad.length - 1] ^= 1;
    const stream = concat(Uint8Array.of(1, 2, 0xa5), sample(1), bad, Uint8Array.of(0xa5, 0x5a, 1), sample(2));
    const items = await decode(Array.from(stream, (b) => Uint8Array.of(b)));
    assert.deepEqual(frames(items).map((f) => f.seq), [1, 2]);
    assert.ok(defects(items).includes('bad-crc'));
  });
});

describe('jig TLV and message codec', () => {
  it('ok TLV round trip, unknown tags kept for the reader to ignore', () => {
    const items = [{ tag: 1, value: Uint8Array.of(1, 2, 3) }, { tag: 0xee, value: new Uint8Array(0) }];
    assert.deepEqual(decodeTlvs(encodeTlvs(items)), items);
  });

  it('fail TLV running past the payload end', () => {
    assert.throws(() => decodeTlvs(Uint8Array.of(0x20, 0x00, 0x05, 1, 2)), MessageDecodeError);
    assert.throws(() => decodeTlvs(Uint8Array.of(0x20, 0x00)), MessageDecodeError);
  });

  it('ok every request round-trips', () => {
    const requests: JigRequest[] = [
      { type: 'JIG_INFO' },
      { type: 'HELLO' },
      { type: 'CSR_REQUEST', algorithm: 'ed25519' },
      { type: 'INJECT', certificate: Uint8Array.of(0x30, 1), chain: [Uint8Array.of(0x30, 2), Uint8Array.of(0x30, 3)] },
      { type: 'READ_BACK' },
      { type: 'LOCK' },
    ];
    for (const request of requests) {
      const { type, payload } = encodeRequest(request);
      assert.deepEqual(decodeRequest(type, payload), request);
    }
  });

  it('ok every answer round-trips', () => {
    const answers: JigAnswer[] = [
      { type: 'JIG_INFO', jigId: 'J-7', slotCount: 8, occupiedSlots: [0, 2, 7] },
      {
        type: 'HELLO',
        model: 'M',
        serial: 'SN1',
        firmware: '1.2',
        protocolVersion: 1,
        keyAlgorithms: ['ec-p256', 'rsa-3072'],
        keyAlgorithm: 'ec-p256',
        flags: { hasKey: true, hasCertificate: false, locked: false },
      },
      { type: 'CSR_REQUEST', csr: Uint8Array.of(0x30, 0) },
      { type: 'INJECT' },
      { type: 'READ_BACK', certificate: Uint8Array.of(0x30), chain: [] },
      { type: 'LOCK' },
      { type: 'NACK', code: NackCode.LOCKED, codeName: 'LOCKED', reason: 'déjà verrouillé', requestType: RequestType.INJECT },
    ];
    for (const answer of answers) {
      const { type, payload } = encodeAnswer(answer);
      assert.deepEqual(decodeAnswer(type, payload), answer);
    }
  });

  it('fail unknown key algorithm code maps to UNSUPPORTED_KEY_ALGORITHM', () => {
    const error = (() => {
      try {
        decodeRequest(RequestType.CSR_REQUEST, encodeTlvs([{ tag: 0x16, value: Uint8Array.of(0x99) }]));
      } catch (e) {
        return e as MessageDecodeError;
      }
      return undefined;
    })();
    assert.ok(error instanceof MessageDecodeError);
    assert.equal(error.nackCode, NackCode.UNSUPPORTED_KEY_ALGORITHM);
  });

  it('fail unknown type, missing required tag, duplicated single tag', () => {
    assert.throws(() => decodeRequest(0x42, new Uint8Array(0)), (e: MessageDecodeError) => e.nackCode === NackCode.UNKNOWN_TYPE);
    assert.throws(() => decodeRequest(RequestType.CSR_REQUEST, new Uint8Array(0)), (e: MessageDecodeError) => e.nackCode === NackCode.MALFORMED);
    const twice = encodeTlvs([{ tag: 0x30, value: Uint8Array.of(1) }, { tag: 0x30, value: Uint8Array.of(2) }]);
    assert.throws(() => decodeRequest(RequestType.INJECT, twice), /appears 2 times/);
  });
});
