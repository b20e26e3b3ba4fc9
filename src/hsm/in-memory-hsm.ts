import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { generateSoftwareKeyPair } from '../pki/software-keys.js';
import { InvalidInputError } from '../common/domain-error.js';
import { digestFor, type KeyAlgorithm } from '../pki/key-algorithm.js';
import { hsmClosed, keyExists, keyNotFound, loginRefused, tokenAlreadyOpen, tokenNotFound } from './hsm.errors.js';
import { assertAlgorithm, assertLabel, encodeCounter } from './hsm-input.js';
import type { EcdsaHash, HsmKey, HsmPort } from './hsm.port.js';
import { ecSpki, OID } from './hsm-der.js';

/**
 * A fake HSM for fast unit tests: node:crypto keys in process memory, with the PKCS#11 adapter's
 * contract (same signature encodings, same typed errors, same messages). Tokens live in an
 * InMemoryTokenStore so tests can also exercise reopen, wrong PIN and unknown token label.
 */

interface StoredKey {
  readonly algorithm: KeyAlgorithm;
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
}

interface InMemoryToken {
  readonly pin: string;
  readonly keys: Map<string, StoredKey>;
  readonly counters: Map<string, bigint>;
  open: boolean;
}

/** The "slots" of the fake: tokens by label, surviving close/reopen like a real token. */
export class InMemoryTokenStore {
  private readonly tokens = new Map<string, InMemoryToken>();

  initToken(tokenLabel: string, pin: string): void {
    if (this.tokens.has(tokenLabel)) return; // idempotent, like ensureSoftHsmToken
    this.tokens.set(tokenLabel, { pin, keys: new Map(), counters: new Map(), open: false });
  }

  /** @internal used by InMemoryHsm.open */
  claim(tokenLabel: string, pin: string): InMemoryToken {
    const token = this.tokens.get(tokenLabel);
    if (!token) throw tokenNotFound(tokenLabel, [...this.tokens.keys()]);
    if (token.open) throw tokenAlreadyOpen(tokenLabel);
    if (token.pin !== pin) throw loginRefused(tokenLabel, 'CKR_PIN_INCORRECT');
    token.open = true;
    return token;
  }
}

export class InMemoryHsm implements HsmPort {
  private closed = false;

  private constructor(private readonly token: InMemoryToken) {}

  /** Opens a token of `store`, checking label and PIN as the PKCS#11 adapter does. */
  static open(config: { tokenLabel: string; pin: string }, store: InMemoryTokenStore): InMemoryHsm {
    return new InMemoryHsm(store.claim(config.tokenLabel, config.pin));
  }

  /** A fresh private token, for tests that just need a working HSM. */
  static create(): InMemoryHsm {
    const store = new InMemoryTokenStore();
    store.initToken('in-memory', 'in-memory');
    return InMemoryHsm.open({ tokenLabel: 'in-memory', pin: 'in-memory' }, store);
  }

  generateKeyPair(label: string, algorithm: KeyAlgorithm): HsmKey {
    assertLabel(label, 'key label');
    assertAlgorithm(algorithm);
    const keys = this.live().keys;
    if (keys.has(label)) throw keyExists(label);
    const { privateKey, publicKey } = generateSoftwareKeyPair(algorithm);
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    keys.set(label, { algorithm, privateKey, spki });
    return { label, algorithm, spki: Buffer.from(spki) };
  }

  findKey(label: string): HsmKey | null {
    assertLabel(label, 'key label');
    const stored = this.live().keys.get(label);
    return stored ? { label, algorithm: stored.algorithm, spki: Buffer.from(stored.spki) } : null;
  }

  sign(key: HsmKey, data: Uint8Array): Uint8Array {
    const stored = this.live().keys.get(key.label);
    if (!stored) throw keyNotFound(key.label);
    if (stored.algorithm !== key.algorithm) {
      throw new InvalidInputError(`key "${key.label}" is ${stored.algorithm}, not ${key.algorithm}`);
    }
    // dsaEncoding 'der' gives the ECDSA-Sig-Value the adapter builds from CKM_ECDSA's r||s.
    return cryptoSign(digestFor(stored.algorithm), data, { key: stored.privateKey, dsaEncoding: 'der' });
  }

  verifyEcdsa(algorithm: 'ec-p256' | 'ec-p384', uncompressedPoint: Uint8Array, hash: EcdsaHash, data: Uint8Array, signature: Uint8Array): boolean {
    this.live();
    try {
      const key = { key: ecSpki(algorithm === 'ec-p256' ? OID.p256 : OID.p384, uncompressedPoint), format: 'der', type: 'spki' } as const;
      return cryptoVerify(hash, data, { ...key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false; // a point or signature OpenSSL will not take verifies nothing, as on a token
    }
  }

  destroyKey(label: string): void {
    assertLabel(label, 'key label');
    this.live().keys.delete(label);
  }

  listKeyLabels(): string[] {
    return [...this.live().keys.keys()].sort();
  }

  readCounter(name: string): bigint | null {
    assertLabel(name, 'counter name');
    return this.live().counters.get(name) ?? null;
  }

  writeCounter(name: string, value: bigint): void {
    assertLabel(name, 'counter name');
    encodeCounter(value); // same range check as the token's 8-byte CKA_VALUE
    this.live().counters.set(name, value);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.token.open = false;
  }

  private live(): InMemoryToken {
    if (this.closed) throw hsmClosed();
    return this.token;
  }
}

