/**
 * The reference simulator's NACK rules (docs/jig-protocol.md §7 and §10), driven in-process over
 * the in-memory transport with raw frames, so each rule is checked byte for byte.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FrameDecoder,
  RequestType,
  decodeAnswer,
  encodeFrame,
  encodeRequest,
  type DecodedItem,
  type JigAnswer,
  type JigRequest,
} from '../../../src/station/jigs/protocol/index.js';
import { createInMemoryJigTransportPair } from '../../../src/station/jigs/transport/in-memory-jig.transport.js';
import { SimulatedJig } from '../../../fixtures/device-simulator/simulated-jig.js';
import { parseSimulatorArgs } from '../../../fixtures/device-simulator/simulator-config.js';

const root = mkdtempSync(join(tmpdir(), 'sim-nack-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function simulator(devices: string, slowMs = 0) {
  const config = parseSimulatorArgs(['--tcp', '0', '--jig-id', 'J', '--state-dir', join(root, devices.replace(/\W/g, '')), '--devices', devices, '--slow-ms', String(slowMs)]);
  const { station, device } = createInMemoryJigTransportPair();
  await station.open();
  await device.open();
  new SimulatedJig(config, () => undefined).attach(device);
  const answers: Array<{ slot: number; seq: number; answer: JigAnswer }> = [];
  const decoder = new FrameDecoder();
  decoder.on('data', (item: DecodedItem) => {
    if (item.kind === 'frame') answers.push({ slot: item.frame.slot, seq: item.frame.seq, answer: decodeAnswer(item.frame.type, item.frame.payload) });
  });
  station.onData((chunk) => decoder.write(chunk));
  const next = async (count = answers.length + 1) => {
    for (let i = 0; i < 400 && answers.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(answers.length >= count, 'the simulator answered');
    return answers[count - 1];
  };
  const send = async (slot: number, seq: number, request: JigRequest) => {
    const { type, payload } = encodeRequest(request);
    await station.write(encodeFrame({ type, slot, seq, payload }));
    return next();
  };
  return { station, send, next, answers };
}

const nackOf = (answer: JigAnswer): string => (answer.type === 'NACK' ? answer.codeName : `not a NACK: ${answer.type}`);

describe('simulated jig NACK rules', () => {
  it('fail line defects are NACKed to the seq and slot the header names', async () => {
    const sim = await simulator('N1:M');
    const bad = encodeFrame({ type: RequestType.HELLO, slot: 0, seq: 11 });
    bad[bad.length - 1] ^= 1;
    await sim.station.write(bad);
    const badCrc = await sim.next();
    assert.deepEqual([badCrc.slot, badCrc.seq, nackOf(badCrc.answer)], [0, 11, 'BAD_CRC']);
    await sim.station.write(encodeFrame({ type: RequestType.HELLO, slot: 0, seq: 12, version: 2 }));
    assert.equal(nackOf((await sim.next()).answer), 'UNSUPPORTED_VERSION');
    await sim.station.write(Uint8Array.of(0xa5, 0x5a, 1, 2, 0, 0, 13, 0x30, 0x00));
    const tooLarge = await sim.next();
    assert.deepEqual([tooLarge.seq, nackOf(tooLarge.answer)], [13, 'TOO_LARGE']);
  });

  it('fail addressing: empty slot, unknown type, JIG_INFO to a device, HELLO to the controller', async () => {
    const sim = await simulator('N1:M,,N3:M');
    assert.equal(nackOf((await sim.send(1, 1, { type: 'HELLO' })).answer), 'NO_SUCH_SLOT');
    await sim.station.write(encodeFrame({ type: 0x33, slot: 0, seq: 2 }));
    assert.equal(nackOf((await sim.next()).answer), 'UNKNOWN_TYPE');
    assert.equal(nackOf((await sim.send(0, 3, { type: 'JIG_INFO' })).answer), 'UNKNOWN_TYPE');
    assert.equal(nackOf((await sim.send(255, 4, { type: 'HELLO' })).answer), 'UNKNOWN_TYPE');
    assert.deepEqual((await sim.send(255, 5, { type: 'JIG_INFO' })).answer, { type: 'JIG_INFO', jigId: 'J', slotCount: 3, occupiedSlots: [0, 2] });
  });

  it('fail state machine: no key, no certificate, other algorithm, unsupported algorithm', async () => {
    const sim = await simulator('N1:M:normal:ec-p256+ed25519');
    assert.equal(nackOf((await sim.send(0, 1, { type: 'INJECT', certificate: Uint8Array.of(0x30, 0), chain: [] })).answer), 'BAD_STATE');
    assert.equal(nackOf((await sim.send(0, 2, { type: 'READ_BACK' })).answer), 'BAD_STATE');
    assert.equal(nackOf((await sim.send(0, 3, { type: 'LOCK' })).answer), 'BAD_STATE');
    assert.equal(nackOf((await sim.send(0, 4, { type: 'CSR_REQUEST', algorithm: 'rsa-2048' })).answer), 'UNSUPPORTED_KEY_ALGORITHM');
    assert.equal((await sim.send(0, 5, { type: 'CSR_REQUEST', algorithm: 'ed25519' })).answer.type, 'CSR_REQUEST');
    assert.equal(nackOf((await sim.send(0, 6, { type: 'CSR_REQUEST', algorithm: 'ec-p256' })).answer), 'BAD_STATE');
    assert.equal(nackOf((await sim.send(0, 7, { type: 'INJECT', certificate: Uint8Array.of(1, 2, 3), chain: [] })).answer), 'MALFORMED');
  });

  it('ok a retransmission of the request in progress is dropped; a new seq meanwhile gets BUSY', async () => {
    const sim = await simulator('N1:M:slow', 100);
    const hello = encodeRequest({ type: 'HELLO' });
    await sim.station.write(encodeFrame({ ...hello, slot: 0, seq: 1 }));
    await sim.station.write(encodeFrame({ ...hello, slot: 0, seq: 1 }));
    await sim.station.write(encodeFrame({ ...hello, slot: 0, seq: 2 }));
    const busy = await sim.next(1);
    assert.deepEqual([busy.seq, nackOf(busy.answer)], [2, 'BUSY']);
    const done = await sim.next(2);
    assert.deepEqual([done.seq, done.answer.type], [1, 'HELLO']);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(sim.answers.length, 2, 'the duplicate got no second answer');
  });
});
