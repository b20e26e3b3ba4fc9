import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../common/domain-error.js';
import { HsmOperationError } from './hsm.errors.js';

/** Where distributions put the SoftHSM2 module; the first that exists is the default. */
const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so', // Debian/Ubuntu
  '/usr/lib64/pkcs11/libsofthsm2.so', // Fedora/RHEL
  '/usr/local/lib/softhsm/libsofthsm2.so', // built from source
  '/opt/homebrew/lib/softhsm/libsofthsm2.so', // macOS
];

export function defaultSoftHsmModulePath(): string {
  return MODULE_CANDIDATES.find((p) => existsSync(p)) ?? (MODULE_CANDIDATES[0] as string);
}

export interface SoftHsmTokenOptions {
  /** Project-local directory holding softhsm2.conf and tokens/. */
  dir: string;
  tokenLabel: string;
  pin: string;
  soPin: string;
  modulePath?: string;
  /** softhsm2-util binary (default: from PATH). */
  utilPath?: string;
}

export interface SoftHsmToken {
  modulePath: string;
  confPath: string;
  /** True if this call initialised the token, false if it was there already. */
  created: boolean;
}

/**
 * Makes sure a SoftHSM2 token labelled `tokenLabel` exists in `<dir>/tokens`, and points this
 * process at it (SOFTHSM2_CONF). Idempotent: an existing token, its keys and PINs are left alone.
 *
 * SOFTHSM2_CONF is read when the module is initialised, so call this before Pkcs11Hsm.open().
 */
export async function ensureSoftHsmToken(opts: SoftHsmTokenOptions): Promise<SoftHsmToken> {
  validate(opts);
  const dir = resolve(opts.dir);
  const tokenDir = join(dir, 'tokens');
  const confPath = join(dir, 'softhsm2.conf');
  await mkdir(tokenDir, { recursive: true, mode: 0o700 });
  const conf = [
    '# Written by ensureSoftHsmToken: a project-local SoftHSM2 token store.',
    `directories.tokendir = ${tokenDir}`,
    'objectstore.backend = file',
    'log.level = ERROR',
    'slots.removable = false',
    '',
  ].join('\n');
  const current = await readFile(confPath, 'utf8').catch(() => null);
  if (current !== conf) await writeFile(confPath, conf, { mode: 0o600 });
  process.env['SOFTHSM2_CONF'] = confPath;

  const util = opts.utilPath ?? 'softhsm2-util';
  const env = { ...process.env, SOFTHSM2_CONF: confPath };
  const secrets = [opts.pin, opts.soPin];
  const slots = await run(util, ['--show-slots'], env, secrets);
  const created = !tokenLabels(slots).includes(opts.tokenLabel);
  if (created) {
    // softhsm2-util only takes PINs as arguments (its prompt needs a tty): they are briefly
    // visible in the process list, acceptable for the software token this is for.
    await run(
      util,
      ['--init-token', '--free', '--label', opts.tokenLabel, '--pin', opts.pin, '--so-pin', opts.soPin],
      env,
      secrets,
    );
  }
  return { modulePath: opts.modulePath ?? defaultSoftHsmModulePath(), confPath, created };
}

/** Labels of the initialised tokens in `softhsm2-util --show-slots` output. */
export function tokenLabels(showSlotsOutput: string): string[] {
  const labels: string[] = [];
  let initialised = false;
  for (const line of showSlotsOutput.split('\n')) {
    const m = /^\s*(Initialized|Label):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    if (m[1] === 'Initialized') initialised = m[2] === 'yes';
    else if (initialised) labels.push(m[2] ?? '');
  }
  return labels;
}

function validate(opts: SoftHsmTokenOptions): void {
  if (!opts.dir) throw new InvalidInputError('SoftHSM2 directory is required');
  // PKCS#11 token labels are a 32-byte blank-padded field.
  if (!opts.tokenLabel || Buffer.byteLength(opts.tokenLabel) > 32 || opts.tokenLabel !== opts.tokenLabel.trim()) {
    throw new InvalidInputError('token label must be 1 to 32 bytes without surrounding blanks');
  }
  // SoftHSM2's limits; checked here so the failure does not come back as an opaque tool error.
  for (const [what, pin] of [['PIN', opts.pin], ['SO PIN', opts.soPin]] as const) {
    if (typeof pin !== 'string' || pin.length < 4 || pin.length > 255) {
      throw new InvalidInputError(`${what} must be 4 to 255 characters`);
    }
  }
}

/** Runs the tool; on failure reports its output with every secret blanked out. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, secrets: string[]): Promise<string> {
  const scrub = (text: string): string => secrets.reduce((t, s) => t.split(s).join('***'), text).trim();
  return new Promise((resolveRun, reject) => {
    execFile(file, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (!err) return resolveRun(String(stdout));
      // Node's own message repeats the command line, PINs included: never pass it on.
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${file} not found (install softhsm2)` : scrub(`${stderr}${stdout}`);
      reject(new HsmOperationError(`${file} ${args[0]} failed: ${why || `exit code ${String(err.code)}`}`));
    });
  });
}
