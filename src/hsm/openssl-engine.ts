import { constants, setEngine } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { HsmConfig } from './hsm.port.js';

/**
 * TLS with a key that never leaves the token. Node's TLS stack is OpenSSL; OpenSSL reaches a
 * PKCS#11 token through libp11's engine (Debian: libengine-pkcs11-openssl), and Node hands a
 * context's private key to an engine by `privateKeyEngine` + `privateKeyIdentifier` (a PKCS#11
 * URI, RFC 7512). OpenSSL loads engines from its config file at start-up, which Node reads from
 * OPENSSL_CONF (section `nodejs_conf`): so a process that serves TLS from the HSM starts itself
 * again once with that variable set (`engineEnvironment` below; docs/decisions/0006-tls-keys-in-the-hsm.md).
 */
export const ENGINE_ID = 'pkcs11';

export function engineConfigText(engineModulePath: string, pkcs11ModulePath: string): string {
  return [
    'nodejs_conf = birthcert_openssl_init',
    '[birthcert_openssl_init]',
    'engines = birthcert_engines',
    'ssl_conf = birthcert_ssl',
    '[birthcert_ssl]',
    'system_default = birthcert_tls',
    '[birthcert_tls]',
    // No TLS 1.3 session tickets: a device enrolls once and never resumes, and making each ticket
    // re-parses the session's client certificate (~10% of central's CPU per EST enrollment)
    'NumTickets = 0',
    '[birthcert_engines]',
    `${ENGINE_ID} = birthcert_pkcs11`,
    '[birthcert_pkcs11]',
    `engine_id = ${ENGINE_ID}`,
    `dynamic_path = ${engineModulePath}`,
    `MODULE_PATH = ${pkcs11ModulePath}`,
    // load, but do not initialise until a key is asked for (after the HSM port has logged in)
    'init = 0',
    '',
  ].join('\n');
}

/**
 * Make the engine this process already initialised (a TLS context holds its key) the default for
 * the key methods it implements (EC, RSA; `ENGINE_METHOD_PKEY_METHS`). Keys that are not in the
 * token keep OpenSSL's own arithmetic: libp11 hands them back to OpenSSL's methods. What changes is
 * the path there. OpenSSL 3.0 decodes a public key with its legacy methods only when an engine
 * implements that key type, and otherwise through the provider decoders, which set themselves up
 * anew for every key: ~100 µs for each client certificate a TLS handshake receives. Measured on
 * this machine (docs/performance.md): parsing a certificate 146 → 28 µs, importing an SPKI and
 * verifying a P-256 signature 247 → 96 µs, mutual-TLS handshakes per CPU-second +15–19%.
 */
export function preferEngineKeyMethods(): void {
  setEngine(ENGINE_ID, constants.ENGINE_METHOD_PKEY_METHS);
  keyMethodsPreferred = true;
}

let keyMethodsPreferred = false;

/** Whether this process made the engine the default for key methods (preferEngineKeyMethods). */
export function engineKeyMethodsPreferred(): boolean {
  return keyMethodsPreferred;
}

/** The RFC 7512 URI of a private key by label; the PIN travels inside it and is never logged. */
export function engineKeyUri(hsm: HsmConfig, keyLabel: string): string {
  const enc = (s: string): string => encodeURIComponent(s);
  return `pkcs11:token=${enc(hsm.tokenLabel)};object=${enc(keyLabel)};type=private;pin-value=${enc(hsm.pin)}`;
}

/**
 * What a process needs in its environment to run with the engine configured: writes the OpenSSL
 * config file (unless it already holds this text) and returns the variable that names it, for
 * `runWithEnvironment` (src/common/process-environment.ts) to start the serving copy with.
 */
export function engineEnvironment(configFile: string, engineModulePath: string, pkcs11ModulePath: string): { OPENSSL_CONF: string } {
  const path = resolve(configFile);
  if (!existsSync(engineModulePath)) {
    throw new Error(`OpenSSL PKCS#11 engine not found at ${engineModulePath} (install libengine-pkcs11-openssl, or set tls.engineModulePath)`);
  }
  const text = engineConfigText(engineModulePath, pkcs11ModulePath);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { mode: 0o600 });
  }
  return { OPENSSL_CONF: path };
}
