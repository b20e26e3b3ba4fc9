/**
 * The station's JigClient against the reference device simulator, a separate process, over a
 * real socat pty pair: the whole provisioning conversation per slot, and every misbehaviour mode
 * failing with its own typed error on its own slot while the other slots complete.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyAlgorithmOf } from '../../../src/pki/csr-builder.js';
import type { KeyAlgorithm } from '../../../src/pki/key-algorithm.js';
import { JigClient, type JigClientOptions } from '../../../src/station/jigs/jig-client.js';
import { JigNackError, JigTimeoutError } from '../../../src/station/jigs/jig.errors.js';
import { SerialJigTransport } from '../../../src/station/jigs/transport/serial-jig.transport.js';
import { createPtyPair, type PtyPair } from '../../../fixtures/device-simulator/pty-pair.js';
import { startSimulator, type RunningSimulator } from '../../../fixtures/device-simulator/start-simulator.js';
import { pemToDer } from '../../../fixtures/device-simulator/device-store.js';
import {
  createTestCa,
  csrPublicKey,
  csrSignatureVerifies,
  csrSubject,
  issueCertificate,
  unrelatedCertificate,
  type TestCa,
} from './openssl-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'jig-sim-'));
let ca: TestCa;
let serialCounter = 1;

before(async () => {
  ca = await createTestCa(root);
});
after(() => rmSync(root, { recursive: true, force: true }));

/** One jig: a pty pair, a simulator process on one end, a JigClient on the other. */
function jigFixture(name: string, devices: string, simulator: { slowMs?: number; rebootMs?: number } = {}, client: JigClientOptions = {}) {
  const fixture = { stateDir: join(root, name, 'state'), client: undefined as unknown as JigClient };
  let pty: PtyPair | undefined;
  let sim: RunningSimulator | undefined;
  before(async () => {
    pty = await createPtyPair(root, name);
    sim = await startSimulator({ port: pty.devicePath, jigId: name, stateDir: fixture.stateDir, devices, ...simulator });
    fixture.client = await JigClient.open(new SerialJigTransport({ path: pty.stationPath }), client);
  });
  after(async () => {
    await fixture.client?.close();
    await sim?.stop();
    await pty?.close();
  });
  return fixture;
}

/** CSR -> independent verification -> certificate -> inject -> read back -> lock. */
async function provision(client: JigClient, slot: number, algorithm: KeyAlgorithm, serial: string) {
  const csr = await client.requestCsr(slot, algorithm);
  assert.equal(await csrSignatureVerifies(root, csr), true, `slot ${slot}: CSR signature verifies`);
  assert.equal(keyAlgorithmOf(await csrPublicKey(root, csr)), algorithm);
  assert.equal(await csrSubject(root, csr), `subject=CN=MODEL-A,serialNumber=${serial}`);
  const certificate = await issueCertificate(ca, csr, serialCounter++);
  await client.inject(slot, certificate, [ca.certDer]);
  const stored = await client.readBack(slot);
  assert.deepEqual(stored, { certificate, chain: [ca.certDer] });
  await client.lock(slot);
  return { csr, certificate };
}

function rejectsWith<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T, check: (error: T) => void): Promise<void> {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    check(error);
    return true;
  });
}

describe('simulator over a pty: happy path on 4 slots', () => {
  const jig = jigFixture('happy', 'HP-0:MODEL-A,HP-1:MODEL-A,HP-2:MODEL-A,HP-3:MODEL-A', {}, { requestTimeoutMs: 5000, retries: 1 });
  const algorithms: KeyAlgorithm[] = ['ec-p256', 'ec-p384', 'ed25519', 'rsa-2048'];
  const issued = new Map<number, Uint8Array>();

  it('ok jig info names the jig and its occupied slots', async () => {
    assert.deepEqual(await jig.client.jigInfo(), { jigId: 'happy', slotCount: 4, occupiedSlots: [0, 1, 2, 3] });
  });

  it('ok every slot provisions concurrently: CSR verifies, inject, read back equal, lock', async () => {
    await Promise.all(
      algorithms.map(async (algorithm, slot) => {
        const before = await jig.client.hello(slot);
        assert.deepEqual(before.flags, { hasKey: false, hasCertificate: false, locked: false });
        assert.equal(before.serial, `HP-${slot}`);
        // CSR_REQUEST is idempotent: the second CSR is for the same key.
        const first = await jig.client.requestCsr(slot, algorithm);
        const { csr, certificate } = await provision(jig.client, slot, algorithm, `HP-${slot}`);
        assert.ok((await csrPublicKey(root, first)).equals(await csrPublicKey(root, csr)), 'same key on every CSR');
        issued.set(slot, certificate);
        const afterLock = await jig.client.hello(slot);
        assert.deepEqual(afterLock.flags, { hasKey: true, hasCertificate: true, locked: true });
        assert.equal(afterLock.keyAlgorithm, algorithm);
      }),
    );
  });

  it('fail after lock: INJECT and CSR_REQUEST are refused LOCKED; LOCK again is fine', async () => {
    await rejectsWith(jig.client.inject(0, issued.get(0)!, []), JigNackError, (error) => {
      assert.equal(error.nackName, 'LOCKED');
      assert.equal(error.retryable, false);
      assert.match(error.message, /slot 0 refused INJECT: LOCKED/);
    });
    await rejectsWith(jig.client.requestCsr(1, 'ec-p384'), JigNackError, (error) => assert.equal(error.nackName, 'LOCKED'));
    await jig.client.lock(2);
  });

  it('ok state files are where the simulator documents them', () => {
    const dir = join(jig.stateDir, 'devices', 'HP-0');
    assert.match(readFileSync(join(dir, 'key.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.deepEqual(pemToDer(readFileSync(join(dir, 'birth.pem'), 'utf8')), [issued.get(0)]);
    assert.deepEqual(pemToDer(readFileSync(join(dir, 'chain.pem'), 'utf8')), [ca.certDer]);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(state.locked, true);
    assert.equal(state.keyAlgorithm, 'ec-p256');
    assert.equal(state.serial, 'HP-0');
  });
});

describe('simulator over a pty: wire misbehaviour stays on its slot', () => {
  const jig = jigFixture(
    'wire',
    'WB-0:MODEL-A,WB-GARBAGE:MODEL-A:garbage,WB-DISCONNECT:MODEL-A:disconnect,WB-SLOW:MODEL-A:slow',
    { slowMs: 1500 },
    { requestTimeoutMs: 300, retries: 2 },
  );

  it('fail garbage, disconnect and slow each time out with their own story; slot 0 completes', async () => {
    const started = Date.now();
    const [good, garbage, disconnect, slow] = await Promise.allSettled([
      provision(jig.client, 0, 'ec-p256', 'WB-0'),
      jig.client.hello(1),
      jig.client.hello(2),
      jig.client.hello(3),
    ]);
    assert.equal(good.status, 'fulfilled', String((good as PromiseRejectedResult).reason));

    for (const [result, slot] of [[garbage, 1], [disconnect, 2], [slow, 3]] as const) {
      assert.equal(result.status, 'rejected');
      assert.ok(result.reason instanceof JigTimeoutError, `slot ${slot}: ${String(result.reason)}`);
      assert.equal(result.reason.context.slot, slot);
      assert.equal(result.reason.tries, 3);
      assert.equal(result.reason.retryable, true);
    }
    const garbageError = (garbage as PromiseRejectedResult).reason as JigTimeoutError;
    assert.equal(garbageError.defects.badCrc, 3);
    assert.match(garbageError.message, /slot 1: no valid answer to HELLO after 3 tries .* 3 frame\(s\) with a bad CRC/);
    const disconnectError = (disconnect as PromiseRejectedResult).reason as JigTimeoutError;
    assert.equal(disconnectError.defects.truncated, 1);
    assert.match(disconnectError.message, /1 frame\(s\) cut off mid-way/);
    const slowError = (slow as PromiseRejectedResult).reason as JigTimeoutError;
    assert.equal(slowError.corruptFrames, 0);
    assert.match(slowError.message, /nothing came back\. Check that the device is seated and powered/);
    assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);

    // The slow slot's late answers arrive while others talk; the good slot is unaffected.
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal((await jig.client.hello(0)).flags.locked, true);
  });
});

describe('simulator over a pty: device misbehaviour stays on its slot', () => {
  const jig = jigFixture(
    'device',
    'DB-0:MODEL-A,DB-BADSIG:MODEL-A:bad-csr-signature,DB-WRONGKEY:MODEL-A:wrong-key-type,DB-REBOOT:MODEL-A:reboot-during-injection,DB-NOLOCK:MODEL-A:refuse-lock',
    { rebootMs: 900 },
    { requestTimeoutMs: 300, retries: 1 },
  );

  it('ok the well-behaved slot completes among misbehaving ones', async () => {
    const results = await Promise.allSettled([
      provision(jig.client, 0, 'ec-p256', 'DB-0'),
      // bad-csr-signature: the CSR arrives, and an independent verifier rejects its proof of possession.
      jig.client.requestCsr(1, 'ec-p256').then(async (csr) => assert.equal(await csrSignatureVerifies(root, csr), false)),
      // wrong-key-type: P-256 asked, P-384 delivered; the device admits it in HELLO.
      jig.client.requestCsr(2, 'ec-p256').then(async (csr) => {
        assert.equal(keyAlgorithmOf(await csrPublicKey(root, csr)), 'ec-p384');
        assert.equal((await jig.client.hello(2)).keyAlgorithm, 'ec-p384');
      }),
      rebootDuringInjection(jig.client, 3),
      refuseLock(jig.client, 4),
    ]);
    for (const [slot, result] of results.entries()) {
      assert.equal(result.status, 'fulfilled', `slot ${slot}: ${String((result as PromiseRejectedResult).reason)}`);
    }
  });

  async function rebootDuringInjection(client: JigClient, slot: number): Promise<void> {
    const csr = await client.requestCsr(slot, 'ec-p256');
    const certificate = await issueCertificate(ca, csr, serialCounter++);
    const t0 = Date.now();
    await rejectsWith(client.inject(slot, certificate, [ca.certDer]), JigTimeoutError, (error) => {
      assert.equal(error.context.requestType, 'INJECT');
      assert.equal(error.corruptFrames, 0);
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - t0))));
    // Back from the reboot: the key survived, the certificate was never stored.
    const hello = await client.hello(slot);
    assert.deepEqual(hello.flags, { hasKey: true, hasCertificate: false, locked: false });
    const again = await client.requestCsr(slot, 'ec-p256');
    assert.ok((await csrPublicKey(root, again)).equals(await csrPublicKey(root, csr)), 'same key after the reboot');
    // Retrying the same certificate into the same device is allowed (system.md §4).
    await client.inject(slot, certificate, [ca.certDer]);
    assert.deepEqual(await client.readBack(slot), { certificate, chain: [ca.certDer] });
  }

  async function refuseLock(client: JigClient, slot: number): Promise<void> {
    const csr = await client.requestCsr(slot, 'ec-p256');
    await rejectsWith(client.inject(slot, await unrelatedCertificate(root), []), JigNackError, (error) => {
      assert.equal(error.nackName, 'KEY_MISMATCH');
      assert.equal(error.retryable, false);
    });
    await client.inject(slot, await issueCertificate(ca, csr, serialCounter++), [ca.certDer]);
    await rejectsWith(client.lock(slot), JigNackError, (error) => {
      assert.equal(error.nackName, 'STORAGE_FAILURE');
      assert.equal(error.retryable, true);
      assert.match(error.message, /slot 4 refused LOCK: STORAGE_FAILURE \("lock fuse did not program"\)/);
    });
    assert.equal((await client.hello(slot)).flags.locked, false);
  }
});
