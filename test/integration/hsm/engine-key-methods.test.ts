import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSoftHsmToken } from '../../../src/hsm/softhsm-token.js';
import { engineConfigText } from '../../../src/hsm/openssl-engine.js';
import { TlsSettings } from '../../../src/config/central-config.js';

const ENGINE_MODULE = new TlsSettings().engineModulePath;

/**
 * What a process sees once libp11's engine serves OpenSSL's key methods (decision 0013): the same
 * answers as before for keys that are not in the token — signatures made and checked, tampering
 * caught, certificates parsed and their signatures checked — and the HSM-backed verifier switches
 * to OpenSSL. Run in a child process started with the engine configuration, as central runs.
 */
describe('integration: the OpenSSL engine serving key methods (libp11, SoftHSM2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-pkey-'));
  let env: NodeJS.ProcessEnv;
  before(async () => {
    const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'engine', pin: '1234', soPin: '5678' });
    const conf = join(dir, 'openssl.cnf');
    writeFileSync(conf, engineConfigText(ENGINE_MODULE, token.modulePath));
    env = { ...process.env, OPENSSL_CONF: conf, SOFTHSM2_CONF: token.confPath };
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'ca-key.pem'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=Test CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'pipe' });
    execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'leaf-key.pem'), '-out', join(dir, 'leaf.csr'), '-subj', '/CN=leaf'], { stdio: 'pipe' });
    execFileSync('openssl', ['x509', '-req', '-in', join(dir, 'leaf.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca-key.pem'), '-out', join(dir, 'leaf.pem'), '-days', '1'], { stdio: 'pipe' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ok keys outside the token sign and verify as before, tampering is caught, certificates parse and check', () => {
    const engine = new URL('../../../src/hsm/openssl-engine.js', import.meta.url).href;
    const verifier = new URL('../../../src/hsm/hsm-signature-verifier.js', import.meta.url).href;
    const spki = new URL('../../../src/pki/spki.js', import.meta.url).href;
    const script = `
      const { generateKeyPairSync, sign, verify, X509Certificate } = await import('node:crypto');
      const { readFileSync } = await import('node:fs');
      const { preferEngineKeyMethods, engineKeyMethodsPreferred } = await import(${JSON.stringify(engine)});
      const { HsmSignatureVerifier } = await import(${JSON.stringify(verifier)});
      const { inspectSpki } = await import(${JSON.stringify(spki)});
      const before = engineKeyMethodsPreferred();
      preferEngineKeyMethods();
      const out = { before, after: engineKeyMethodsPreferred(), keys: {} };
      const data = Buffer.from('birth certificate');
      // the HSM-backed verifier now checks in OpenSSL: an HSM that is never asked proves it
      const untouchedHsm = { verifyEcdsa: () => { throw new Error('the HSM was asked'); } };
      const pop = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const popSpki = pop.publicKey.export({ type: 'spki', format: 'der' });
      const popVerifier = new HsmSignatureVerifier(untouchedHsm);
      out.viaOpenSsl = {
        good: popVerifier.verify(inspectSpki(popSpki), popSpki, 'sha256', data, sign('sha256', data, pop.privateKey)),
        tampered: popVerifier.verify(inspectSpki(popSpki), popSpki, 'sha256', Buffer.from('x'), sign('sha256', data, pop.privateKey)),
      };
      const kinds = { 'ec-p256': ['ec', { namedCurve: 'P-256' }, 'sha256'], 'ec-p384': ['ec', { namedCurve: 'P-384' }, 'sha384'], rsa: ['rsa', { modulusLength: 2048 }, 'sha256'], ed25519: ['ed25519', {}, null] };
      for (const [name, [type, opts, digest]] of Object.entries(kinds)) {
        const { privateKey, publicKey } = generateKeyPairSync(type, opts);
        const sig = sign(digest, data, privateKey);
        const spki = publicKey.export({ type: 'spki', format: 'der' });
        out.keys[name] = { good: verify(digest, data, { key: spki, format: 'der', type: 'spki' }, sig), tampered: verify(digest, Buffer.from('birth certificatE'), publicKey, sig) };
      }
      const ca = new X509Certificate(readFileSync(${JSON.stringify(join(dir, 'ca.pem'))}));
      const leaf = new X509Certificate(readFileSync(${JSON.stringify(join(dir, 'leaf.pem'))}));
      out.chain = { issued: leaf.checkIssued(ca), signedByCa: leaf.verify(ca.publicKey), signedBySelf: leaf.verify(leaf.publicKey), leafKey: leaf.publicKey.asymmetricKeyType };
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.deepEqual({ before: out.before, after: out.after, viaOpenSsl: out.viaOpenSsl }, { before: false, after: true, viaOpenSsl: { good: true, tampered: false } });
    for (const [name, k] of Object.entries(out.keys as Record<string, { good: boolean; tampered: boolean }>)) {
      assert.deepEqual(k, { good: true, tampered: false }, name);
    }
    assert.deepEqual(out.chain, { issued: true, signedByCa: true, signedBySelf: false, leafKey: 'rsa' });
  });
});
