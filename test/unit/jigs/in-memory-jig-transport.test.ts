import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createInMemoryJigTransportPair } from '../../../src/station/jigs/transport/in-memory-jig.transport.js';
import { jigTransportContract } from './jig-transport-contract.js';

for (const maxChunk of [undefined, 1, 5]) {
  jigTransportContract(`in-memory (maxChunk ${maxChunk ?? 'whole writes'})`, async () => {
    const { station, device } = createInMemoryJigTransportPair({ maxChunk });
    await device.open();
    return {
      station,
      device: async () => device,
      pullCable: () => device.close(),
      cleanup: async () => {
        await station.close();
        await device.close();
      },
    };
  });
}

describe('in-memory jig transport', () => {
  it('ok closing one end is the cable pulled at the other: close with an error', async () => {
    const { station, device } = createInMemoryJigTransportPair();
    await station.open();
    await device.open();
    const closes: Array<Error | undefined> = [];
    station.onClose((error) => closes.push(error));
    await device.close();
    assert.equal(closes.length, 1);
    assert.match(String(closes[0]?.message), /peer closed/);
    assert.equal(station.isOpen, false);
  });

  it('ok data is never delivered synchronously inside write', async () => {
    const { station, device } = createInMemoryJigTransportPair();
    await station.open();
    await device.open();
    let delivered = false;
    device.onData(() => (delivered = true));
    const writing = station.write(Uint8Array.of(1));
    assert.equal(delivered, false);
    await writing;
    assert.equal(delivered, true);
  });
});
