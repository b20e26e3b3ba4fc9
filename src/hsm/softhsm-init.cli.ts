#!/usr/bin/env node
/**
 * Creates (once) the project-local SoftHSM2 token and prints the softhsm2.conf path, so a
 * shell can do: export SOFTHSM2_CONF=$(node dist/src/hsm/softhsm-init.cli.js --dir ... ).
 *
 *   node dist/src/hsm/softhsm-init.cli.js --dir D --label L --pin P --so-pin S [--module M]
 *
 * The PINs may come from HSM_PIN / HSM_SO_PIN instead of the command line.
 */
import { parseArgs } from 'node:util';
import { DomainError } from '../common/domain-error.js';
import { ensureSoftHsmToken } from './softhsm-token.js';

const USAGE = 'usage: softhsm-init --dir DIR --label LABEL --pin PIN --so-pin SO_PIN [--module PATH]';

async function main(): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        dir: { type: 'string' },
        label: { type: 'string' },
        pin: { type: 'string' },
        'so-pin': { type: 'string' },
        module: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  const pin = values['pin'] ?? process.env['HSM_PIN'];
  const soPin = values['so-pin'] ?? process.env['HSM_SO_PIN'];
  const { dir, label } = values;
  if (!dir || !label || !pin || !soPin) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    const token = await ensureSoftHsmToken({
      dir, tokenLabel: label, pin, soPin, ...(values['module'] ? { modulePath: values['module'] } : {}),
    });
    process.stderr.write(`token "${label}" ${token.created ? 'initialised' : 'already present'} (module ${token.modulePath})\n`);
    process.stdout.write(`${token.confPath}\n`);
    return 0;
  } catch (err) {
    // Our errors carry no secrets by construction; scrub anyway in case a system error echoes one.
    const message = err instanceof Error ? err.message : String(err);
    const safe = [pin, soPin].reduce((m, secret) => m.split(secret).join('***'), message);
    process.stderr.write(`softhsm-init: ${err instanceof DomainError ? '' : 'unexpected: '}${safe}\n`);
    return 1;
  }
}

process.exitCode = await main();
