import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { InvalidInputError } from '../../../src/common/domain-error.js';
import {
  HsmKeyExistsError,
  HsmKeyNotFoundError,
  HsmOperationError,
  HsmUnavailableError,
} from '../../../src/hsm/hsm.errors.js';
import type { HsmKey, HsmPort } from '../../../src/hsm/hsm.port.js';
import { digestFor, KEY_ALGORITHMS, type KeyAlgorithm } from '../../../src/pki/key-algorithm.js';

/** What a backend proves about a private key beyond the port (PKCS#11: C_GetAttributeValue). */
export interface PrivateKeyInspection {
  extractable: boolean;
  sensitive: boolean;
  /** The CKR_ code reading CKA_VALUE failed with, or null if the value could be read. */
  valueReadError: string | null;
  /** Both halves carry the same non-empty CKA_ID and the label. */
  halvesMatch: boolean;
}

export interface HsmFixture {
  hsm: HsmPort;
  /** The PIN the fixture opened with, so tests can prove no error message carries it. */
  pin: string;
  cleanup(): Promise<void>;
  /** Opens the fixture's token again; overrides simulate a misconfigured station. */
  reopen(overrides?: { pin?: string; tokenLabel?: string }): HsmPort;
  inspectPrivateKey?(label: string): PrivateKeyInspection;
}

export type MakeHsm = () => Promise<HsmFixture>;

const DATA = Buffer.from('tbsCertificate stand-in: the bytes an issuer signs, 0123456789abcdef');
const WRONG_PIN = '86213057';

function publicKey(key: HsmKey): KeyObject {
  return createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' });
}

/** Verifies as an X.509 verifier would: DER ECDSA-Sig-Value, PKCS#1 v1.5, raw Ed25519. */
function verifies(key: HsmKey, data: Uint8Array, signature: Uint8Array): boolean {
  return verify(digestFor(key.algorithm), data, { key: publicKey(key), dsaEncoding: 'der' }, signature);
}

function expectedShape(alg: KeyAlgorithm): { type: string; curve?: string; bits?: number } {
  switch (alg) {
    case 'ec-p256': return { type: 'ec', curve: 'prime256v1' };
    case 'ec-p384': return { type: 'ec', curve: 'secp384r1' };
    case 'ed25519': return { type: 'ed25519' };
    case 'rsa-2048': return { type: 'rsa', bits: 2048 };
    case 'rsa-3072': return { type: 'rsa', bits: 3072 };
  }
}

/** Everything an error exposes when logged, cause chain included. */
function everythingIn(err: unknown): string {
  return `${String(err)}\n${err instanceof Error ? err.stack : ''}\n${inspect(err, { depth: 10 })}\n${JSON.stringify(err)}`;
}

export function defineHsmContract(name: string, makeHsm: MakeHsm): void {
  async function withHsm(fn: (f: HsmFixture) => void | Promise<void>): Promise<void> {
    const fixture = await makeHsm();
    try {
      await fn(fixture);
    } finally {
      await fixture.cleanup();
    }
  }

  describe(`HsmPort contract: ${name}`, () => {
    for (const alg of KEY_ALGORITHMS) {
      it(`ok ${alg} key pair generates and its signatures verify against the returned SPKI`, () =>
        withHsm(({ hsm }) => {
          const key = hsm.generateKeyPair(`device-${alg}`, alg);
          assert.equal(key.label, `device-${alg}`);
          assert.equal(key.algorithm, alg);
          const pub = publicKey(key);
          const shape = expectedShape(alg);
          assert.equal(pub.asymmetricKeyType, shape.type);
          if (shape.curve) assert.equal(pub.asymmetricKeyDetails?.namedCurve, shape.curve);
          if (shape.bits) {
            assert.equal(pub.asymmetricKeyDetails?.modulusLength, shape.bits);
            assert.equal(pub.asymmetricKeyDetails?.publicExponent, 65537n);
          }

          const signature = hsm.sign(key, DATA);
          assert.ok(verifies(key, DATA, signature), 'signature verifies');
          assert.ok(!verifies(key, Buffer.from('other data'), signature), 'signature is bound to the data');
          if (alg.startsWith('ec-')) assert.equal(signature[0], 0x30, 'ECDSA signature is a DER SEQUENCE');
          if (alg === 'ed25519') assert.equal(signature.length, 64);
          if (shape.bits) assert.equal(signature.length, shape.bits / 8);

          // A plain Uint8Array view (not a Buffer) into a larger buffer signs just its bytes.
          const backing = new Uint8Array(DATA.length + 8);
          backing.set(DATA, 4);
          const view = backing.subarray(4, 4 + DATA.length);
          assert.ok(verifies(key, DATA, hsm.sign(key, view)));

          const found = hsm.findKey(key.label);
          assert.ok(found);
          assert.equal(found.algorithm, alg);
          assert.deepEqual(Buffer.from(found.spki), Buffer.from(key.spki));
          assert.ok(verifies(key, DATA, hsm.sign(found, DATA)), 'a found key signs too');
        }));
    }

    it('ok private key material never leaves the HSM', () =>
      withHsm(({ hsm, inspectPrivateKey }) => {
        const key = hsm.generateKeyPair('no-export', 'ec-p256');
        assert.deepEqual(Object.keys(key).sort(), ['algorithm', 'label', 'spki']);
        assert.throws(() => createPrivateKey({ key: Buffer.from(key.spki), format: 'der', type: 'pkcs8' }));
        if (inspectPrivateKey) {
          const seen = inspectPrivateKey('no-export');
          assert.equal(seen.extractable, false, 'CKA_EXTRACTABLE false');
          assert.equal(seen.sensitive, true, 'CKA_SENSITIVE true');
          assert.equal(seen.valueReadError, 'CKR_ATTRIBUTE_SENSITIVE', 'reading CKA_VALUE fails');
          assert.equal(seen.halvesMatch, true, 'both halves share label and CKA_ID');
        }
      }));

    for (const [alg, curve, hash] of [['ec-p256', 'P-256', 'sha256'], ['ec-p384', 'P-384', 'sha384']] as const) {
      it(`ok ${alg}: verifyEcdsa accepts a device's signature and refuses a wrong one, another key's, a malformed one and a point off the curve`, () =>
        withHsm(({ hsm }) => {
          const device = generateKeyPairSync('ec', { namedCurve: curve });
          const other = generateKeyPairSync('ec', { namedCurve: curve });
          const point = Buffer.from(device.publicKey.export({ format: 'jwk' }).x!, 'base64url');
          const uncompressed = Buffer.concat([Buffer.from([4]), point, Buffer.from(device.publicKey.export({ format: 'jwk' }).y!, 'base64url')]);
          const signature = sign(hash, DATA, { key: device.privateKey, dsaEncoding: 'ieee-p1363' });
          assert.equal(hsm.verifyEcdsa(alg, uncompressed, hash, DATA, signature), true);
          const flipped = Buffer.from(signature);
          flipped[3] ^= 0x01;
          assert.equal(hsm.verifyEcdsa(alg, uncompressed, hash, DATA, flipped), false, 'altered signature');
          assert.equal(hsm.verifyEcdsa(alg, uncompressed, hash, Buffer.concat([DATA, Buffer.from('!')]), signature), false, 'other data');
          assert.equal(hsm.verifyEcdsa(alg, uncompressed, hash, DATA, sign(hash, DATA, { key: other.privateKey, dsaEncoding: 'ieee-p1363' })), false, 'another key');
          assert.equal(hsm.verifyEcdsa(alg, uncompressed, hash, DATA, signature.subarray(0, 10)), false, 'truncated signature');
          const offCurve = Buffer.from(uncompressed);
          offCurve[offCurve.length - 1] ^= 0x01;
          assert.equal(hsm.verifyEcdsa(alg, offCurve, hash, DATA, signature), false, 'point off the curve');
          assert.deepEqual(hsm.listKeyLabels(), [], 'nothing is left on the token');
        }));
    }

    it('fail generating under an existing label is refused with HsmKeyExistsError', () =>
      withHsm(({ hsm }) => {
        const first = hsm.generateKeyPair('dup', 'ec-p256');
        for (const alg of ['ec-p256', 'ed25519'] as const) {
          assert.throws(() => hsm.generateKeyPair('dup', alg), (err: unknown) => {
            assert.ok(err instanceof HsmKeyExistsError);
            assert.equal(err.status, 409);
            assert.match(err.message, /"dup"/);
            return true;
          });
        }
        assert.deepEqual(Buffer.from(hsm.findKey('dup')?.spki ?? []), Buffer.from(first.spki), 'original kept');
        assert.deepEqual(hsm.listKeyLabels(), ['dup']);
      }));

    it('fail findKey returns null for an unknown label', () =>
      withHsm(({ hsm }) => {
        hsm.generateKeyPair('known', 'ec-p256');
        assert.equal(hsm.findKey('unknown'), null);
        assert.equal(hsm.findKey('Known'), null, 'labels are case-sensitive');
      }));

    it('fail signing with a key the HSM does not hold throws HsmKeyNotFoundError', () =>
      withHsm(({ hsm }) => {
        const real = hsm.generateKeyPair('real', 'ec-p256');
        assert.throws(() => hsm.sign({ ...real, label: 'ghost' }, DATA), HsmKeyNotFoundError);
      }));

    it('fail signing with a key whose algorithm does not match the HSM key is refused', () =>
      withHsm(({ hsm }) => {
        const key = hsm.generateKeyPair('p256', 'ec-p256');
        assert.throws(() => hsm.sign({ ...key, algorithm: 'ec-p384' }, DATA), InvalidInputError);
      }));

    it('fail invalid labels and algorithms are refused before touching the HSM', () =>
      withHsm(({ hsm }) => {
        assert.throws(() => hsm.generateKeyPair('', 'ec-p256'), InvalidInputError);
        assert.throws(() => hsm.generateKeyPair('x'.repeat(129), 'ec-p256'), InvalidInputError);
        assert.throws(() => hsm.generateKeyPair('a\nb', 'ec-p256'), InvalidInputError);
        assert.throws(() => hsm.generateKeyPair('weak', 'rsa-1024' as KeyAlgorithm), InvalidInputError);
        assert.deepEqual(hsm.listKeyLabels(), []);
      }));

    it('ok destroyKey removes both halves and is idempotent', () =>
      withHsm(({ hsm }) => {
        const key = hsm.generateKeyPair('doomed', 'ec-p256');
        hsm.generateKeyPair('survivor', 'ed25519');
        hsm.destroyKey('doomed');
        assert.equal(hsm.findKey('doomed'), null);
        assert.deepEqual(hsm.listKeyLabels(), ['survivor']);
        assert.throws(() => hsm.sign(key, DATA), HsmKeyNotFoundError);
        hsm.destroyKey('doomed');
        hsm.destroyKey('never-existed');
        // Generation refuses a label either half still uses, so this proves the public half went.
        const again = hsm.generateKeyPair('doomed', 'ec-p256');
        assert.notDeepEqual(Buffer.from(again.spki), Buffer.from(key.spki));
        assert.ok(verifies(again, DATA, hsm.sign(again, DATA)));
      }));

    it('ok listKeyLabels lists private keys only, sorted', () =>
      withHsm(({ hsm }) => {
        hsm.generateKeyPair('b-key', 'ec-p256');
        hsm.generateKeyPair('a-key', 'ed25519');
        hsm.writeCounter('a-counter', 1n);
        assert.deepEqual(hsm.listKeyLabels(), ['a-key', 'b-key']);
      }));

    it('ok counters are written, read and updated', () =>
      withHsm(({ hsm }) => {
        assert.equal(hsm.readCounter('issued'), null);
        hsm.writeCounter('issued', 0n);
        assert.equal(hsm.readCounter('issued'), 0n);
        hsm.writeCounter('issued', 41n);
        hsm.writeCounter('issued', 42n);
        assert.equal(hsm.readCounter('issued'), 42n);
        hsm.writeCounter('issued', 2n ** 64n - 1n);
        assert.equal(hsm.readCounter('issued'), 2n ** 64n - 1n);
        hsm.writeCounter('other', 7n);
        assert.equal(hsm.readCounter('other'), 7n);
        assert.equal(hsm.readCounter('issued'), 2n ** 64n - 1n, 'counters are independent');
        // A counter and a key may share a name without disturbing each other.
        hsm.generateKeyPair('issued', 'ec-p256');
        hsm.writeCounter('issued', 5n);
        assert.equal(hsm.readCounter('issued'), 5n);
        assert.ok(hsm.findKey('issued'));
        hsm.destroyKey('issued');
        assert.equal(hsm.readCounter('issued'), 5n);
      }));

    it('fail counter values outside unsigned 64-bit are refused', () =>
      withHsm(({ hsm }) => {
        hsm.writeCounter('quota', 10n);
        assert.throws(() => hsm.writeCounter('quota', -1n), InvalidInputError);
        assert.throws(() => hsm.writeCounter('quota', 2n ** 64n), InvalidInputError);
        assert.throws(() => hsm.writeCounter('quota', 3 as unknown as bigint), InvalidInputError);
        assert.equal(hsm.readCounter('quota'), 10n);
      }));

    it('ok keys and counters persist across close and reopen', () =>
      withHsm(({ hsm, reopen }) => {
        const key = hsm.generateKeyPair('persistent', 'ec-p384');
        hsm.writeCounter('issued', 1234n);
        hsm.close();
        const again = reopen();
        const found = again.findKey('persistent');
        assert.ok(found);
        assert.deepEqual(Buffer.from(found.spki), Buffer.from(key.spki));
        assert.ok(verifies(key, DATA, again.sign(found, DATA)));
        assert.equal(again.readCounter('issued'), 1234n);
      }));

    it('fail wrong PIN is refused with a clear error that does not contain the PIN', () =>
      withHsm(({ hsm, reopen, pin }) => {
        hsm.close();
        assert.throws(() => reopen({ pin: WRONG_PIN }), (err: unknown) => {
          assert.ok(err instanceof HsmOperationError, `got ${String(err)}`);
          assert.equal(err.ckr, 'CKR_PIN_INCORRECT');
          assert.equal(err.retryable, false, 'retrying a wrong PIN would lock the token');
          assert.match(err.message, /PIN/);
          const text = everythingIn(err);
          assert.ok(!text.includes(WRONG_PIN), 'the wrong PIN is not in the error');
          assert.ok(!text.includes(pin), 'the right PIN is not in the error');
          return true;
        });
        reopen().close(); // the failed attempt left nothing half-open
      }));

    it('fail unknown token label is refused with a clear error naming the label', () =>
      withHsm(({ hsm, reopen }) => {
        hsm.close();
        assert.throws(() => reopen({ tokenLabel: 'no-such-token' }), (err: unknown) => {
          assert.ok(err instanceof HsmUnavailableError, `got ${String(err)}`);
          assert.equal(err.status, 503);
          assert.match(err.message, /"no-such-token"/);
          return true;
        });
      }));

    it('fail opening a token already open in this process is refused', () =>
      withHsm(({ hsm, reopen }) => {
        assert.throws(() => reopen(), (err: unknown) => err instanceof HsmOperationError && /already open/.test(err.message));
        hsm.generateKeyPair('still-usable', 'ec-p256'); // the refusal did not disturb the open one
      }));

    it('ok close is idempotent and later calls fail clearly', () =>
      withHsm(({ hsm }) => {
        const key = hsm.generateKeyPair('k', 'ec-p256');
        hsm.close();
        hsm.close();
        assert.throws(() => hsm.sign(key, DATA), /closed/);
        assert.throws(() => hsm.listKeyLabels(), /closed/);
      }));
  });
}
