/**
 * P-256 signatures per second through Pkcs11Hsm on a throw-away SoftHSM2 token, one core.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/hsm-sign.js [count]
 *
 * The issuance hot path needs > 2,000/s; this measures what the adapter itself costs on top of
 * the token (SHA-256 in Node, C_SignInit + C_Sign, r||s -> DER). Then the proof-of-possession
 * check for a key seen once: in the token (session object + C_Verify, hsm-signature-verifier.ts)
 * against node:crypto with the key imported from SPKI DER or from JWK.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { HsmSignatureVerifier } from '../src/hsm/hsm-signature-verifier.js';
import { inspectSpki } from '../src/pki/spki.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pkcs11Hsm } from '../src/hsm/pkcs11-hsm.adapter.js';
import { ensureSoftHsmToken } from '../src/hsm/softhsm-token.js';

const COUNT = Number(process.argv[2] ?? 5000);
const WARM_UP = 500;

const dir = await mkdtemp(join(tmpdir(), 'bench-hsm-'));
try {
  const pin = randomBytes(6).toString('hex');
  const { modulePath } = await ensureSoftHsmToken({ dir, tokenLabel: 'bench', pin, soPin: `${pin}-so` });
  const hsm = Pkcs11Hsm.open({ modulePath, tokenLabel: 'bench', pin });
  try {
    const key = hsm.generateKeyPair('bench-p256', 'ec-p256');
    const tbs = randomBytes(600); // about the size of a birth certificate's tbsCertificate
    for (let i = 0; i < WARM_UP; i++) hsm.sign(key, tbs);

    const start = process.hrtime.bigint();
    let last: Uint8Array = new Uint8Array();
    for (let i = 0; i < COUNT; i++) last = hsm.sign(key, tbs);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;

    // A benchmark of wrong signatures would be worthless: check the last one.
    const ok = verify('sha256', tbs, { key: Buffer.from(key.spki), format: 'der', type: 'spki' }, last);
    if (!ok) throw new Error('signature does not verify');
    const rate = Math.round(COUNT / seconds);
    console.log(`P-256 sign via Pkcs11Hsm (SoftHSM2, 1 core): ${COUNT} signatures in ${(seconds * 1000).toFixed(0)} ms = ${rate} sig/s`);

    // verification of fresh keys, each seen once (a device's CSR)
    const devices = Array.from({ length: 2000 }, () => {
      const k = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const spki = k.publicKey.export({ format: 'der', type: 'spki' });
      return { spki, jwk: k.publicKey.export({ format: 'jwk' }), signature: sign('sha256', tbs, k.privateKey) };
    });
    const verifier = new HsmSignatureVerifier(hsm);
    const perVerify = (name: string, check: (d: (typeof devices)[number]) => boolean) => {
      const t0 = process.hrtime.bigint();
      for (const d of devices) if (!check(d)) throw new Error(`${name}: a good signature failed`);
      console.log(`  verify a fresh P-256 key, ${name}: ${(Number(process.hrtime.bigint() - t0) / 1e3 / devices.length).toFixed(0)} µs`);
    };
    perVerify('in the token (session object + C_Verify)', (d) => verifier.verify(inspectSpki(d.spki), d.spki, 'sha256', tbs, d.signature));
    perVerify('node:crypto, key from SPKI DER', (d) => verify('sha256', tbs, createPublicKey({ key: d.spki, format: 'der', type: 'spki' }), d.signature));
    perVerify('node:crypto, key from JWK', (d) => verify('sha256', tbs, createPublicKey({ key: d.jwk, format: 'jwk' }), d.signature));
  } finally {
    hsm.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
