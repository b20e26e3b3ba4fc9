/**
 * Station user accounts (docs/ui.md), run on the station host:
 *   npm run station:user -- add NAME --role operator|supervisor [--password-stdin]
 *   npm run station:user -- passwd NAME [--password-stdin]
 *   npm run station:user -- disable NAME | enable NAME
 *   npm run station:user -- list
 * The station's config comes from STATION_CONFIG or --config PATH. Without --password-stdin a
 * password is generated and printed once. Changes enter the audit chain when the station next
 * starts or someone signs in. Exit 0: done; 1: refused; 2: usage.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { loadConfigFile } from '../../config/validate-config.js';
import { StationConfig } from '../../config/station-config.js';
import { openStationDatabase } from '../database/data-source.js';
import { UserDirectory } from './user-directory.js';
import { generatePassword } from '../../common/auth/password.js';
import { STATION_ROLES, type StationRole } from './roles.js';

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const configPath = values.config ?? process.env.STATION_CONFIG;
  if (!configPath) throw new UsageError('name the station config with STATION_CONFIG or --config PATH');
  const config = loadConfigFile(StationConfig, configPath);
  const ds = await openStationDatabase(config.databasePath);
  const users = new UserDirectory(ds);
  const actor = `cli:${userInfo().username}`;
  const name = positionals[0];
  const password = async () => (values['password-stdin'] ? readStdin() : generatePassword());
  try {
    switch (command) {
      case 'add': {
        if (!name) throw new UsageError('add needs a NAME');
        const role = (values.role ?? 'operator') as StationRole;
        if (!STATION_ROLES.includes(role)) throw new UsageError(`--role must be ${STATION_ROLES.join(' or ')}`);
        const pw = await password();
        await users.add(name, role, pw, actor);
        console.log(`added ${role} ${name}`);
        if (!values['password-stdin']) console.log(`password (shown once, hand it over and let them change it): ${pw}`);
        return 0;
      }
      case 'passwd': {
        if (!name) throw new UsageError('passwd needs a NAME');
        const pw = await password();
        await users.setPassword(name, pw, actor);
        console.log(`password of ${name} changed; their sessions are ended`);
        if (!values['password-stdin']) console.log(`new password (shown once): ${pw}`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!name) throw new UsageError(`${command} needs a NAME`);
        await users.setDisabled(name, command === 'disable', actor);
        console.log(`${name} ${command}d`);
        return 0;
      }
      case 'list': {
        for (const u of await users.list()) console.log(`${u.name}\t${u.role}${u.disabled ? '\tdisabled' : ''}\tsince ${u.createdAt}`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command ?? ''}"`);
    }
  } finally {
    await ds.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`station:user: ${(err as Error).message}${usage ? '\nusage: station:user add NAME --role operator|supervisor [--password-stdin] | passwd NAME | disable NAME | enable NAME | list' : ''}`);
    process.exit(usage ? 2 : 1);
  },
);
