import { createHash, randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { InvalidInputError, type DomainError } from '../common/domain-error.js';
import { digestFor, type KeyAlgorithm } from '../pki/key-algorithm.js';
import { hsmClosed, HsmOperationError, keyExists, keyNotFound } from './hsm.errors.js';
import { ecdsaRawToDer, tlv } from './hsm-der.js';
import { assertAlgorithm, assertLabel, encodeCounter } from './hsm-input.js';
import { Pkcs11Counters } from './pkcs11-counters.js';
import type { EcdsaHash, HsmConfig, HsmKey, HsmPort } from './hsm.port.js';
import { acquireModule, type ModuleLease } from './pkcs11-module.js';
import { algorithmOf, generationTemplates, SPECS, spkiOf } from './pkcs11-keys.js';
import { openSession } from './pkcs11-session.js';
import { copyToSession, TOKEN_RECHECK_MS } from './pkcs11-session-copy.js';
import { ckrOf, HANDLE_INVALID, isUnavailable, toHsmError } from './pkcs11-support.js';

type Handle = pkcs11js.Handle;

interface CachedKey {
  /** the private key object on the token */
  readonly tokenHandle: Handle;
  /** what C_SignInit is given: the key's session copy (pkcs11-session-copy.ts), or the token object */
  readonly signHandle: Handle;
  readonly algorithm: KeyAlgorithm;
  /** Set for ECDSA keys only: the digest made in Node before raw CKM_ECDSA. */
  readonly prehash: 'sha256' | 'sha384' | null;
  /** when the token object was last seen to exist (ms since the epoch), for a session copy */
  checkedAt: number;
}

/** Big enough for every signature the product makes (RSA-3072: 384 bytes). */
const SIGNATURE_SCRATCH_BYTES = 512;

/**
 * HsmPort over a PKCS#11 token via pkcs11js (synchronous calls: the sign path has no awaits).
 *
 * One logged-in R/W user session is held for the life of the object. If the device or session
 * goes away, the failing call throws HsmUnavailableError and the next call opens a new session.
 * Private key handles are cached per label, so a signature costs C_SignInit + C_Sign only; where
 * the token allows, signing uses the key's copy as a session object (pkcs11-session-copy.ts).
 */
/** What a token answers for a signature that does not verify, or a point it will not take. */
const SIGNATURE_REFUSED = new Set(['CKR_SIGNATURE_INVALID', 'CKR_SIGNATURE_LEN_RANGE', 'CKR_ATTRIBUTE_VALUE_INVALID', 'CKR_DOMAIN_PARAMS_INVALID', 'CKR_KEY_SIZE_RANGE']);

export class Pkcs11Hsm implements HsmPort {
  private session: Handle | null;
  private closed = false;
  private readonly keys = new Map<string, CachedKey>();
  private readonly counterStore = new Pkcs11Counters(this.lease.lib, (session, template) => this.find(session, template));
  private readonly scratch = Buffer.allocUnsafe(SIGNATURE_SCRATCH_BYTES);

  private constructor(
    private readonly lease: ModuleLease,
    private readonly config: HsmConfig,
    session: Handle,
  ) {
    this.session = session;
  }

  /** Loads the module, finds the token by label, opens a R/W session and logs the user in. */
  static open(config: HsmConfig): Pkcs11Hsm {
    const lease = acquireModule(config.modulePath, config.tokenLabel);
    try {
      return new Pkcs11Hsm(lease, config, openSession(lease.lib, config, { pinVerified: false }));
    } catch (err) {
      lease.release();
      throw err;
    }
  }

  private get lib(): pkcs11js.PKCS11 {
    return this.lease.lib;
  }

  generateKeyPair(label: string, algorithm: KeyAlgorithm): HsmKey {
    assertLabel(label, 'key label');
    assertAlgorithm(algorithm);
    return this.run(`generate ${algorithm} key "${label}"`, (session) => {
      // PKCS#11 does not enforce unique labels; the product does, across both halves.
      if (this.find(session, keyTemplate(pkcs11js.CKO_PRIVATE_KEY, label)).length > 0 ||
          this.find(session, keyTemplate(pkcs11js.CKO_PUBLIC_KEY, label)).length > 0) {
        throw keyExists(label);
      }
      const templates = generationTemplates(algorithm, label, randomBytes(16));
      const pair = this.lib.C_GenerateKeyPair(
        session, SPECS[algorithm].keyGen, templates.publicKey, templates.privateKey,
      );
      try {
        const spki = spkiOf(this.lib, session, pair.publicKey, algorithm);
        this.remember(session, label, pair.privateKey, algorithm);
        return { label, algorithm, spki };
      } catch (err) {
        // Do not leave a half-usable pair behind under a label that would now be refused.
        for (const h of [pair.privateKey, pair.publicKey]) this.lib.C_DestroyObject(session, h);
        throw err;
      }
    });
  }

  findKey(label: string): HsmKey | null {
    assertLabel(label, 'key label');
    return this.run(`find key "${label}"`, (session) => {
      this.forget(session, label); // the token is the truth; refresh what sign() will use
      const priv = this.findOne(session, keyTemplate(pkcs11js.CKO_PRIVATE_KEY, label), `private key "${label}"`);
      if (priv === null) return null;
      const algorithm = this.algorithmOrThrow(session, priv, label);
      const pub = this.findOne(session, keyTemplate(pkcs11js.CKO_PUBLIC_KEY, label), `public key "${label}"`);
      if (pub === null) throw new HsmOperationError(`key "${label}" has no public key object on the token`);
      const spki = spkiOf(this.lib, session, pub, algorithm);
      this.remember(session, label, priv, algorithm);
      return { label, algorithm, spki };
    });
  }

  sign(key: HsmKey, data: Uint8Array): Uint8Array {
    // The hot path: no template building, no lookups once the handle is cached.
    const session = this.session ?? this.reopen();
    const input = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    let cached = this.keys.get(key.label) ?? this.loadKey(session, key.label);
    if (cached.signHandle !== cached.tokenHandle && Date.now() - cached.checkedAt >= TOKEN_RECHECK_MS) cached = this.recheck(session, key.label, cached);
    if (cached.algorithm !== key.algorithm) {
      throw new InvalidInputError(`key "${key.label}" is ${cached.algorithm}, not ${key.algorithm}`);
    }
    try {
      return this.signWith(session, cached, input);
    } catch (err) {
      if (!HANDLE_INVALID.has(ckrOf(err) ?? '')) throw this.fail(err, `sign with key "${key.label}"`);
    }
    // The cached handle went stale (key re-created by another process): look it up once more.
    this.forget(session, key.label);
    cached = this.loadKey(session, key.label);
    try {
      return this.signWith(session, cached, input);
    } catch (err) {
      throw this.fail(err, `sign with key "${key.label}"`);
    }
  }

  verifyEcdsa(algorithm: 'ec-p256' | 'ec-p384', uncompressedPoint: Uint8Array, hash: EcdsaHash, data: Uint8Array, signature: Uint8Array): boolean {
    const session = this.session ?? this.reopen();
    let handle: Handle | null = null;
    try {
      // a session object (CKA_TOKEN false): gone with the session, never stored on the token
      handle = this.lib.C_CreateObject(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
        { type: pkcs11js.CKA_TOKEN, value: false },
        { type: pkcs11js.CKA_VERIFY, value: true },
        ...SPECS[algorithm].publicParams,
        { type: pkcs11js.CKA_EC_POINT, value: tlv(0x04, uncompressedPoint) },
      ]);
      this.lib.C_VerifyInit(session, { mechanism: pkcs11js.CKM_ECDSA }, handle);
      // raw CKM_ECDSA over a digest made here, as for signing (SoftHSM2 lacks CKM_ECDSA_SHA256)
      return this.lib.C_Verify(session, createHash(hash).update(data).digest(), Buffer.from(signature));
    } catch (err) {
      if (SIGNATURE_REFUSED.has(ckrOf(err) ?? '')) return false;
      throw this.fail(err, 'verify an ECDSA signature');
    } finally {
      if (handle !== null) {
        try { this.lib.C_DestroyObject(session, handle); } catch { /* the session went away with it */ }
      }
    }
  }

  destroyKey(label: string): void {
    assertLabel(label, 'key label');
    this.run(`destroy key "${label}"`, (session) => {
      this.forget(session, label);
      const handles = [
        ...this.find(session, keyTemplate(pkcs11js.CKO_PRIVATE_KEY, label)),
        ...this.find(session, keyTemplate(pkcs11js.CKO_PUBLIC_KEY, label)),
      ];
      for (const h of handles) this.lib.C_DestroyObject(session, h);
    });
  }

  listKeyLabels(): string[] {
    return this.run('list keys', (session) => {
      const handles = this.find(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_TOKEN, value: true },
      ]);
      const labels = handles.map((h) => {
        const [a] = this.lib.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_LABEL }]);
        return a?.value.toString('utf8') ?? '';
      });
      return labels.sort();
    });
  }

  readCounter(name: string): bigint | null {
    assertLabel(name, 'counter name');
    return this.run(`read counter "${name}"`, (session) => this.counterStore.read(session, name));
  }

  writeCounter(name: string, value: bigint): void {
    assertLabel(name, 'counter name');
    encodeCounter(value); // validates the range: an unsigned 64-bit value
    this.run(`write counter "${name}"`, (session) => this.counterStore.write(session, name, value));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const session = this.session;
    this.session = null;
    this.keys.clear();
    if (session !== null) {
      // Best effort: a vanished device must not stop us from releasing the module.
      try { this.lib.C_Logout(session); } catch { /* already logged out */ }
      try { this.lib.C_CloseSession(session); } catch { /* already closed */ }
    }
    this.lease.release();
  }

  // --- internals ---

  private signWith(session: Handle, key: CachedKey, data: Buffer): Buffer {
    const digest = key.prehash;
    const input = digest ? createHash(digest).update(data).digest() : data;
    this.lib.C_SignInit(session, SPECS[key.algorithm].sign, key.signHandle);
    const out = this.lib.C_Sign(session, input, this.scratch);
    // The result is a view on the shared scratch buffer: copy (or re-encode) before returning.
    return digest ? ecdsaRawToDer(out) : Buffer.from(out);
  }

  /** Runs a token operation, mapping pkcs11js errors to the port's typed errors. */
  private run<T>(context: string, op: (session: Handle) => T): T {
    const session = this.session ?? this.reopen();
    try {
      return op(session);
    } catch (err) {
      throw this.fail(err, context);
    }
  }

  private fail(err: unknown, context: string): DomainError {
    const mapped = toHsmError(err, context);
    if (isUnavailable(ckrOf(err))) this.dropSession();
    return mapped;
  }

  /** Forget a session the device no longer knows; the next call opens a fresh one. */
  private dropSession(): void {
    const session = this.session;
    this.session = null;
    this.keys.clear(); // after a device reset, object handles may be renumbered
    if (session !== null) {
      try { this.lib.C_CloseSession(session); } catch { /* it is gone already */ }
    }
  }

  private reopen(): Handle {
    if (this.closed) throw hsmClosed();
    // The PIN was checked when this object opened; a login state that survived is ours.
    this.session = openSession(this.lib, this.config, { pinVerified: true });
    this.counterStore.reset();
    return this.session;
  }

  private loadKey(session: Handle, label: string): CachedKey {
    try {
      const handle = this.findOne(session, keyTemplate(pkcs11js.CKO_PRIVATE_KEY, label), `private key "${label}"`);
      if (handle === null) throw keyNotFound(label);
      return this.remember(session, label, handle, this.algorithmOrThrow(session, handle, label));
    } catch (err) {
      throw this.fail(err, `look up key "${label}"`);
    }
  }

  /** Caches a private key for signing, with its session copy when the token makes one. */
  private remember(session: Handle, label: string, tokenHandle: Handle, algorithm: KeyAlgorithm): CachedKey {
    this.forget(session, label);
    const cached: CachedKey = {
      tokenHandle,
      signHandle: copyToSession(this.lib, session, tokenHandle) ?? tokenHandle,
      algorithm,
      prehash: algorithm.startsWith('ec-') ? digestFor(algorithm) : null,
      checkedAt: Date.now(),
    };
    this.keys.set(label, cached);
    return cached;
  }

  /** Drops a cached key, destroying its session copy. */
  private forget(session: Handle, label: string): void {
    const cached = this.keys.get(label);
    this.keys.delete(label);
    if (cached && cached.signHandle !== cached.tokenHandle) {
      try { this.lib.C_DestroyObject(session, cached.signHandle); } catch { /* gone with its session */ }
    }
  }

  /**
   * A session copy does not notice the token object going away (another process destroyed or
   * re-created the key): at most every TOKEN_RECHECK_MS, ask the token whether it still exists.
   */
  private recheck(session: Handle, label: string, cached: CachedKey): CachedKey {
    try {
      this.lib.C_GetAttributeValue(session, cached.tokenHandle, [{ type: pkcs11js.CKA_CLASS }]);
      cached.checkedAt = Date.now();
      return cached;
    } catch (err) {
      if (!HANDLE_INVALID.has(ckrOf(err) ?? '')) throw this.fail(err, `look up key "${label}"`);
    }
    this.forget(session, label);
    return this.loadKey(session, label);
  }

  private algorithmOrThrow(session: Handle, handle: Handle, label: string): KeyAlgorithm {
    const algorithm = algorithmOf(this.lib, session, handle);
    if (algorithm === null) throw new HsmOperationError(`key "${label}" is of a type the product does not use`);
    return algorithm;
  }

  private find(session: Handle, template: pkcs11js.Template): Handle[] {
    const found: Handle[] = [];
    this.lib.C_FindObjectsInit(session, template);
    try {
      for (;;) {
        const batch = this.lib.C_FindObjects(session, 64);
        if (batch.length === 0) break;
        found.push(...batch);
      }
    } finally {
      // Always end the search, or every later call on this session fails CKR_OPERATION_ACTIVE.
      this.lib.C_FindObjectsFinal(session);
    }
    return found;
  }

  /** At most one match; two objects under one label would make the choice of key a guess. */
  private findOne(session: Handle, template: pkcs11js.Template, what: string): Handle | null {
    const found = this.find(session, template);
    if (found.length > 1) throw new HsmOperationError(`${found.length} objects match ${what}; labels must be unique`);
    return found[0] ?? null;
  }
}

function keyTemplate(objectClass: number, label: string): pkcs11js.Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: objectClass },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_LABEL, value: label },
  ];
}
