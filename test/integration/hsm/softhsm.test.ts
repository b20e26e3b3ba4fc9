import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import pkcs11js from 'pkcs11js';
import { HsmUnavailableError } from '../../../src/hsm/hsm.errors.js';
import type { HsmPort } from '../../../src/hsm/hsm.port.js';
import { Pkcs11Hsm } from '../../../src/hsm/pkcs11-hsm.adapter.js';
import { ensureSoftHsmToken } from '../../../src/hsm/softhsm-token.js';
import { generationTemplates, SPECS, spkiOf } from '../../../src/hsm/pkcs11-keys.js';
import { TOKEN_RECHECK_MS } from '../../../src/hsm/pkcs11-session-copy.js';
import { defineHsmContract, type HsmFixture, type PrivateKeyInspection } from './hsm-contract.js';

const PIN = '40751928';
const SO_PIN = '19283746';
const TOKEN = 'contract';

/**
 * A second, raw pkcs11js handle on the same module, for looking at the token behind the
 * adapter's back. dlopen gives it the very library the adapter initialised, and PKCS#11 login
 * state is per process, so while the adapter is open this session sees private objects too.
 */
function withRaw<T>(modulePath: string, fn: (lib: pkcs11js.PKCS11, session: Buffer, slot: Buffer) => T): T {
  const lib = new pkcs11js.PKCS11();
  lib.load(modulePath);
  let owns = true;
  try {
    lib.C_Initialize();
  } catch (err) {
    if (!String((err as Error).message).includes('CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw err;
    owns = false;
  }
  const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === TOKEN);
  assert.ok(slot, 'token present');
  const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  try {
    return fn(lib, session, slot);
  } finally {
    try { lib.C_CloseSession(session); } catch { /* closed by the test */ }
    if (owns) lib.C_Finalize();
    lib.close();
  }
}

function findAll(lib: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  lib.C_FindObjectsInit(session, template);
  try {
    return lib.C_FindObjects(session, 100);
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

function inspectPrivateKey(modulePath: string, label: string): PrivateKeyInspection {
  return withRaw(modulePath, (lib, session) => {
    const byClass = (cls: number): Buffer => {
      const [h] = findAll(lib, session, [{ type: pkcs11js.CKA_CLASS, value: cls }, { type: pkcs11js.CKA_LABEL, value: label }]);
      assert.ok(h, `object of class ${cls} labelled ${label}`);
      return h;
    };
    const priv = byClass(pkcs11js.CKO_PRIVATE_KEY);
    const pub = byClass(pkcs11js.CKO_PUBLIC_KEY);
    const [extractable, sensitive, privId] = lib.C_GetAttributeValue(session, priv, [
      { type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_ID },
    ]);
    const [pubId] = lib.C_GetAttributeValue(session, pub, [{ type: pkcs11js.CKA_ID }]);
    let valueReadError: string | null = null;
    try {
      lib.C_GetAttributeValue(session, priv, [{ type: pkcs11js.CKA_VALUE }]);
    } catch (err) {
      valueReadError = /^(CKR_\w+)/.exec((err as Error).message)?.[1] ?? String(err);
    }
    return {
      extractable: extractable?.value[0] === 1,
      sensitive: sensitive?.value[0] === 1,
      valueReadError,
      halvesMatch: !!privId && privId.value.length > 0 && !!pubId && privId.value.equals(pubId.value),
    };
  });
}

interface SoftHsmFixture extends HsmFixture {
  dir: string;
  modulePath: string;
}

async function makeSoftHsm(): Promise<SoftHsmFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'softhsm-contract-'));
  const { modulePath } = await ensureSoftHsmToken({ dir, tokenLabel: TOKEN, pin: PIN, soPin: SO_PIN });
  const opened: HsmPort[] = [];
  const open = (overrides: { pin?: string; tokenLabel?: string } = {}): HsmPort => {
    const hsm = Pkcs11Hsm.open({ modulePath, tokenLabel: overrides.tokenLabel ?? TOKEN, pin: overrides.pin ?? PIN });
    opened.push(hsm);
    return hsm;
  };
  return {
    hsm: open(),
    pin: PIN,
    dir,
    modulePath,
    reopen: open,
    inspectPrivateKey: (label) => inspectPrivateKey(modulePath, label),
    async cleanup() {
      for (const hsm of opened) hsm.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

defineHsmContract('Pkcs11Hsm on SoftHSM2', makeSoftHsm);

async function withSoftHsm(fn: (f: SoftHsmFixture) => void | Promise<void>): Promise<void> {
  const f = await makeSoftHsm();
  try {
    await fn(f);
  } finally {
    await f.cleanup();
  }
}

const DATA = Buffer.from('to be signed');
const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/hsm/softhsm-init.cli.js');

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => {
      done({ code: err ? Number(err.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('SoftHSM2 specifics', () => {
  it('ok ensureSoftHsmToken is idempotent and keeps an existing token', () =>
    withSoftHsm(async ({ hsm, dir, reopen }) => {
      const key = hsm.generateKeyPair('kept', 'ec-p256');
      hsm.close();
      const again = await ensureSoftHsmToken({ dir, tokenLabel: TOKEN, pin: PIN, soPin: SO_PIN });
      assert.equal(again.created, false);
      assert.equal(again.confPath, join(dir, 'softhsm2.conf'));
      assert.equal(process.env['SOFTHSM2_CONF'], again.confPath);
      const conf = await readFile(again.confPath, 'utf8');
      assert.match(conf, new RegExp(`^directories\\.tokendir = ${join(dir, 'tokens')}$`, 'm'));
      assert.match(conf, /^objectstore\.backend = file$/m);
      assert.deepEqual(Buffer.from(reopen().findKey('kept')?.spki ?? []), Buffer.from(key.spki));
    }));

  it('ok the init CLI creates a token once and prints the conf path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'softhsm-cli-'));
    try {
      const args = ['--dir', dir, '--label', 'cli-token', '--pin', PIN, '--so-pin', SO_PIN];
      const first = await runCli(args);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout.trim(), join(dir, 'softhsm2.conf'));
      assert.match(first.stderr, /initialised/);
      const second = await runCli(args);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /already present/);
      for (const out of [first, second]) assert.ok(!`${out.stdout}${out.stderr}`.includes(PIN));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fail the init CLI without its options exits 2 with usage', async () => {
    const out = await runCli(['--dir', '/tmp/x']);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /usage:/);
  });

  it('ok a lost session fails one call as retryable, then the next call reconnects', () =>
    withSoftHsm(({ hsm, modulePath }) => {
      const key = hsm.generateKeyPair('resilient', 'ec-p256');
      withRaw(modulePath, (lib, _session, slot) => lib.C_CloseAllSessions(slot));
      assert.throws(() => hsm.sign(key, DATA), (err: unknown) => err instanceof HsmUnavailableError && err.retryable);
      assert.ok(verify('sha256', DATA, { key: Buffer.from(key.spki), format: 'der', type: 'spki' }, hsm.sign(key, DATA)));
    }));

  it('ok signing goes through a session copy of the key that keeps its protection and goes with destroyKey', () =>
    withSoftHsm(({ hsm, modulePath }) => {
      const key = hsm.generateKeyPair('copied', 'ec-p256');
      assert.ok(verify('sha256', DATA, { key: Buffer.from(key.spki), format: 'der', type: 'spki' }, hsm.sign(key, DATA)));
      const privateKeys = () => withRaw(modulePath, (lib, session) =>
        findAll(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_LABEL, value: 'copied' }]).map((h) => {
          const [token, sensitive, extractable] = lib.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_TOKEN }, { type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }]);
          return { token: token?.value[0] === 1, sensitive: sensitive?.value[0] === 1, extractable: extractable?.value[0] === 1 };
        }));
      const objects = privateKeys();
      assert.deepEqual(objects.map((o) => o.token).sort(), [false, true], 'the token object and one session copy');
      assert.ok(objects.every((o) => o.sensitive && !o.extractable), 'the copy is as sensitive and unextractable as the original');
      hsm.destroyKey('copied');
      assert.deepEqual(privateKeys(), []);
    }));

  it('ok a key re-created behind the adapter\'s back is signed with within TOKEN_RECHECK_MS, not its stale session copy', () =>
    withSoftHsm(async ({ hsm, modulePath }) => {
      const old = hsm.generateKeyPair('rotated', 'ec-p256');
      hsm.sign(old, DATA);
      const fresh = withRaw(modulePath, (lib, session) => {
        for (const h of findAll(lib, session, [{ type: pkcs11js.CKA_LABEL, value: 'rotated' }, { type: pkcs11js.CKA_TOKEN, value: true }])) lib.C_DestroyObject(session, h);
        const t = generationTemplates('ec-p256', 'rotated', Buffer.from('0102', 'hex'));
        const pair = lib.C_GenerateKeyPair(session, SPECS['ec-p256'].keyGen, t.publicKey, t.privateKey);
        return spkiOf(lib, session, pair.publicKey, 'ec-p256');
      });
      await new Promise((r) => setTimeout(r, TOKEN_RECHECK_MS + 100));
      const signature = hsm.sign(old, DATA);
      assert.ok(verify('sha256', DATA, { key: fresh, format: 'der', type: 'spki' }, signature), 'signed with the key now on the token');
      assert.ok(!verify('sha256', DATA, { key: Buffer.from(old.spki), format: 'der', type: 'spki' }, signature));
    }));

  it('ok an Ed25519 key whose curve is given by name (PKCS#11 3.0 printable string) is recognised', () =>
    withSoftHsm(({ hsm, modulePath }) => {
      const byName = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519')]);
      withRaw(modulePath, (lib, session) => {
        const common = [{ type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_LABEL, value: 'by-name' }];
        lib.C_GenerateKeyPair(session, { mechanism: 0x1055 },
          [...common, { type: pkcs11js.CKA_EC_PARAMS, value: byName }, { type: pkcs11js.CKA_VERIFY, value: true }],
          [...common, { type: pkcs11js.CKA_PRIVATE, value: true }, { type: pkcs11js.CKA_SIGN, value: true }]);
      });
      const key = hsm.findKey('by-name');
      assert.equal(key?.algorithm, 'ed25519');
      assert.ok(verify(null, DATA, { key: Buffer.from(key.spki), format: 'der', type: 'spki' }, hsm.sign(key, DATA)));
    }));

  it('ok counter updates rewrite one data object in place, and stray duplicates read as the largest value', () =>
    withSoftHsm(({ hsm, modulePath }) => {
      const counterObjects = (): Buffer[] => withRaw(modulePath, (lib, session) =>
        findAll(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA }, { type: pkcs11js.CKA_APPLICATION, value: 'birthcert-counter:issued' }]));
      for (const v of [1n, 2n, 3n]) hsm.writeCounter('issued', v);
      const [only] = counterObjects();
      assert.equal(counterObjects().length, 1);
      hsm.writeCounter('issued', 4n);
      assert.deepEqual(counterObjects(), [only], 'updated in place: the same object');
      // Stray duplicates (another writer, an old crash): the largest value wins, a write tidies up.
      withRaw(modulePath, (lib, session) => {
        for (const v of [5n, 1n, 9n, 2n, 7n]) {
          lib.C_CreateObject(session, [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA }, { type: pkcs11js.CKA_TOKEN, value: true },
            { type: pkcs11js.CKA_PRIVATE, value: true }, { type: pkcs11js.CKA_APPLICATION, value: 'birthcert-counter:issued' },
            { type: pkcs11js.CKA_LABEL, value: v.toString() },
          ]);
        }
      });
      assert.equal(hsm.readCounter('issued'), 9n, 'the largest of the values left behind');
      hsm.writeCounter('issued', 10n);
      assert.equal(counterObjects().length, 1);
      assert.equal(hsm.readCounter('issued'), 10n);
    }));

  it('fail a token another part of the process already logged in to is refused, not trusted without a PIN check', () =>
    withSoftHsm(({ hsm, modulePath }) => {
      hsm.close();
      withRaw(modulePath, (lib, session) => {
        lib.C_Login(session, pkcs11js.CKU_USER, PIN);
        // The token would answer CKR_USER_ALREADY_LOGGED_IN to any PIN here, the wrong one included.
        assert.throws(
          () => Pkcs11Hsm.open({ modulePath, tokenLabel: TOKEN, pin: '00000000' }),
          (err: unknown) => err instanceof Error && /CKR_USER_ALREADY_LOGGED_IN/.test(err.message),
        );
        lib.C_Logout(session);
      });
    }));

  it('fail a module path that does not load gives HsmUnavailableError naming the path', () => {
    assert.throws(
      () => Pkcs11Hsm.open({ modulePath: '/nonexistent/libpkcs11.so', tokenLabel: TOKEN, pin: PIN }),
      (err: unknown) => err instanceof HsmUnavailableError && err.message.includes('/nonexistent/libpkcs11.so'),
    );
  });
});
