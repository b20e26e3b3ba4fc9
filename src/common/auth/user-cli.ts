import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { generatePassword } from './password.js';

/** What the accounts CLI needs of a user directory; the station's and central's both fit. */
export interface CliUserDirectory<Role extends string> {
  add(name: string, role: Role, password: string, actor: string): Promise<unknown>;
  setPassword(name: string, password: string, actor: string): Promise<void>;
  setDisabled(name: string, disabled: boolean, actor: string): Promise<void>;
  list(): Promise<{ name: string; role: string; disabled: boolean; createdAt: string }[]>;
}

export interface UserCliSpec<Role extends string> {
  /** `station` or `central`: names the command (`station:user`) and its config in messages */
  product: string;
  /** the environment variable that names the config file when --config is not given */
  configEnv: string;
  roles: readonly Role[];
  /** the role `add` gives without --role; none: --role is required */
  defaultRole?: Role;
  /** Opens the product's user directory from its config file; `close` releases the database. */
  openDirectory(configPath: string): Promise<{ users: CliUserDirectory<Role>; close: () => Promise<void> }>;
}

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function runCommand<Role extends string>(spec: UserCliSpec<Role>, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const configPath = values.config ?? process.env[spec.configEnv];
  if (!configPath) throw new UsageError(`name the ${spec.product} config with ${spec.configEnv} or --config PATH`);
  const { users, close } = await spec.openDirectory(configPath);
  const actor = `cli:${userInfo().username}`;
  const name = positionals[0];
  const password = async () => (values['password-stdin'] ? readStdin() : generatePassword());
  try {
    switch (command) {
      case 'add': {
        if (!name) throw new UsageError('add needs a NAME');
        const role = (values.role ?? spec.defaultRole ?? '') as Role;
        if (!spec.roles.includes(role)) throw new UsageError(`--role must be ${spec.roles.join(' or ')}`);
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
    await close();
  }
}

/**
 * Runs an accounts CLI (`station:user`, `central:user`) and exits the process.
 * Exit 0: done; 1: refused (by the directory or the config); 2: usage.
 */
export function runUserCli<Role extends string>(spec: UserCliSpec<Role>, argv = process.argv.slice(2)): void {
  const command = `${spec.product}:user`;
  const usage = `usage: ${command} add NAME --role ${spec.roles.join('|')} [--password-stdin] | passwd NAME | disable NAME | enable NAME | list`;
  runCommand(spec, argv).then(
    (code) => process.exit(code),
    (err) => {
      const isUsage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
      console.error(`${command}: ${(err as Error).message}${isUsage ? `\n${usage}` : ''}`);
      process.exit(isUsage ? 2 : 1);
    },
  );
}
