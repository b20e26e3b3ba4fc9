import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../common/domain-error.js';
import type { HsmConfig } from './hsm.port.js';

/**
 * RFC 7512 `pkcs11:` URIs as an alternative way to name the token, e.g.
 *   pkcs11:token=Birthcert%20Station?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/secrets/hsm-pin
 *
 * Only the attributes the product acts on are accepted; anything else is refused rather than
 * silently ignored, because an ignored selector (serial, slot-id...) would pick a token the
 * operator did not mean. Error messages name attributes, never values (a value may be a PIN).
 */
export interface Pkcs11UriParts {
  tokenLabel: string;
  modulePath?: string;
  pin?: string;
  /** Where to read the PIN from (RFC 7512 pin-source); a file: URI or an absolute path. */
  pinSource?: string;
}

const PATH_ATTRIBUTES = new Set(['token']);
const QUERY_ATTRIBUTES = new Set(['module-path', 'pin-value', 'pin-source']);

export function parsePkcs11Uri(uri: string): Pkcs11UriParts {
  if (!/^pkcs11:/i.test(uri)) throw new ConfigError('a PKCS#11 URI must start with "pkcs11:"');
  const body = uri.slice('pkcs11:'.length);
  const q = body.indexOf('?');
  const path = q < 0 ? body : body.slice(0, q);
  const query = q < 0 ? '' : body.slice(q + 1);
  const values = new Map<string, string>();
  collect(path, ';', PATH_ATTRIBUTES, values);
  collect(query, '&', QUERY_ATTRIBUTES, values);

  const tokenLabel = values.get('token');
  if (!tokenLabel) throw new ConfigError('PKCS#11 URI must name the token (token=...)');
  if (values.has('pin-value') && values.has('pin-source')) {
    throw new ConfigError('PKCS#11 URI must not give both pin-value and pin-source');
  }
  const parts: Pkcs11UriParts = { tokenLabel };
  const modulePath = values.get('module-path');
  const pin = values.get('pin-value');
  const pinSource = values.get('pin-source');
  if (modulePath !== undefined) parts.modulePath = modulePath;
  if (pin !== undefined) parts.pin = pin;
  if (pinSource !== undefined) parts.pinSource = pinSource;
  return parts;
}

function collect(section: string, separator: string, allowed: Set<string>, into: Map<string, string>): void {
  if (section === '') return;
  for (const item of section.split(separator)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ConfigError('PKCS#11 URI attribute without a name=value form');
    const name = item.slice(0, eq).toLowerCase();
    if (!allowed.has(name)) throw new ConfigError(`PKCS#11 URI attribute "${name}" is not supported here`);
    if (into.has(name)) throw new ConfigError(`PKCS#11 URI attribute "${name}" appears twice`);
    let value: string;
    try {
      value = decodeURIComponent(item.slice(eq + 1));
    } catch {
      throw new ConfigError(`PKCS#11 URI attribute "${name}" has bad percent-encoding`);
    }
    into.set(name, value);
  }
}

/**
 * HsmConfig from a URI, completing what it leaves out from `defaults` (e.g. the PIN from the
 * environment). A pin-source file is read here; its trailing newline is not part of the PIN.
 */
export function hsmConfigFromUri(uri: string, defaults: { modulePath?: string; pin?: string } = {}): HsmConfig {
  const parts = parsePkcs11Uri(uri);
  const modulePath = parts.modulePath ?? defaults.modulePath;
  if (!modulePath) throw new ConfigError('PKCS#11 module path missing (module-path= or configuration)');
  let pin = parts.pin ?? defaults.pin;
  if (parts.pinSource !== undefined) {
    const file = pinSourcePath(parts.pinSource);
    if (file === null) throw new ConfigError('PKCS#11 URI pin-source must be a file: URI or an absolute path');
    try {
      pin = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`cannot read the PIN file named by pin-source: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  if (!pin) throw new ConfigError('PKCS#11 PIN missing (pin-source=, pin-value= or configuration)');
  return { modulePath, tokenLabel: parts.tokenLabel, pin };
}

function pinSourcePath(source: string): string | null {
  if (!source.startsWith('file:')) return source.startsWith('/') ? source : null;
  try {
    return fileURLToPath(source);
  } catch {
    return null;
  }
}
