/** The transport contract on real backends (a socat pty pair, a TCP socket), and the simulator's TCP mode. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JigClient } from '../../../src/station/jigs/jig-client.js';
import { JigDisconnectedError } from '../../../src/station/jigs/jig.errors.js';
import { SerialJigTransport } from '../../../src/station/jigs/transport/serial-jig.transport.js';
import { TcpJigTransport } from '../../../src/station/jigs/transport/tcp-jig.transport.js';
import { createPtyPair } from '../../../fixtures/device-simulator/pty-pair.js';
import { startSimulator } from '../../../fixtures/device-simulator/start-simulator.js';
import { jigTransportContract } from '../../unit/jigs/jig-transport-contract.js';

const root = mkdtempSync(join(tmpdir(), 'jig-transport-'));
after(() => rmSync(root, { recursive: true, force: true }));
let pairs = 0;

jigTransportContract('serial over a socat pty pair', async () => {
  const pty = await createPtyPair(root, `contract-${pairs++}`);
  const device = new SerialJigTransport({ path: pty.devicePath });
  await device.open();
  const station = new SerialJigTransport({ path: pty.stationPath });
  return {
    station,
    device: async () => device,
    // socat exits: the pty and its by-path-like link are gone, as a USB-serial adapter unplugged
    pullCable: () => pty.close(),
    cleanup: async () => {
      await station.close();
      await device.close();
      await pty.close();
    },
  };
});

jigTransportContract('TCP', async () => {
  let accepted: Socket | undefined;
  const server = createServer((socket) => (accepted = socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const station = TcpJigTransport.connect('127.0.0.1', (server.address() as AddressInfo).port);
  let device: TcpJigTransport | undefined;
  return {
    station,
    device: async () => {
      while (!accepted) await new Promise((resolve) => setTimeout(resolve, 5));
      device ??= TcpJigTransport.fromAcceptedSocket(accepted);
      return device;
    },
    pullCable: async () => {
      accepted?.destroy();
    },
    cleanup: async () => {
      await station.close();
      await device?.close();
      accepted?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});

describe('serial and TCP adapters', () => {
  it('fail opening a serial port that does not exist names it', async () => {
    const transport = new SerialJigTransport({ path: join(root, 'no-such-tty') });
    await assert.rejects(transport.open(), (error: unknown) => {
      assert.ok(error instanceof JigDisconnectedError);
      assert.match(error.message, /no-such-tty is disconnected: cannot open/);
      return true;
    });
  });

  it('ok the simulator also speaks the protocol over TCP', async () => {
    const sim = await startSimulator({ tcpPort: 0, jigId: 'tcp-jig', stateDir: join(root, 'tcp-state'), devices: 'TCP-0:MODEL-T' });
    const client = await JigClient.open(TcpJigTransport.connect('127.0.0.1', sim.tcpPort!), { requestTimeoutMs: 2000 });
    try {
      assert.deepEqual(await client.jigInfo(), { jigId: 'tcp-jig', slotCount: 1, occupiedSlots: [0] });
      assert.equal((await client.hello(0)).serial, 'TCP-0');
    } finally {
      await client.close();
      await sim.stop();
    }
  });

  it('fail the simulator refuses a bad device list with the option name', async () => {
    await assert.rejects(
      startSimulator({ tcpPort: 0, jigId: 'bad', stateDir: join(root, 'bad'), devices: 'X1:M:explode' }),
      /mode "explode" is not one of normal, slow, garbage/,
    );
  });
});
