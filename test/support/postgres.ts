import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/demo/processes.js';

const run = promisify(execFile);

export interface RunningPostgres {
  /** postgres://central:<password>@127.0.0.1:<port>/central */
  url: string;
  port: number;
  /** the server's log, for a failing test's message */
  log(): string;
  /** a further empty database owned by the same role; its URL */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors.length) throw new Error(`no PostgreSQL server under ${base}: install Debian's postgresql package (scripts/setup.sh does)`);
  return join(base, majors[0], 'bin');
}

/**
 * A private PostgreSQL server for one test: a fresh cluster in a temporary directory, listening on
 * a free port on 127.0.0.1 only (no Unix socket outside that directory), with a database `central`
 * owned by a password-authenticated role `central`. PostgreSQL refuses to run as root, so when the
 * test runs as root the server runs as the `postgres` OS user in a directory it owns.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? { uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) } : null;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const pgCommand = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  const superPassword = randomBytes(12).toString('hex');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${superPassword}\n`, { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  const port = await freePort();
  let started = false;
  // a test process that dies without its after() hook must not leave a server behind
  const onExit = () => {
    if (!started) return;
    const args = ['stop', '-D', data, '-m', 'immediate'];
    try {
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
      else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    if (started) await pgCommand('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']).catch(() => undefined);
    started = false;
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // password (SCRAM) over TCP, as a deployed central would connect; trust only on the private socket
    await pgCommand('initdb', ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    rmSync(pwfile);
    await pgCommand('pg_ctl', [
      'start', '-D', data, '-l', logFile, '-w', '-t', '60',
      '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=100`,
    ]);
    started = true;
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: superPassword, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE central LOGIN PASSWORD '${password}'`);
      await admin.query('CREATE DATABASE central OWNER central');
    } finally {
      await admin.end();
    }
  } catch (err) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    await stop();
    throw new Error(`could not start a private PostgreSQL: ${(err as Error).message}\n${log}`);
  }
  const urlOf = (database: string) => `postgres://central:${password}@127.0.0.1:${port}/${database}`;
  return {
    url: urlOf('central'),
    port,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: superPassword, database: 'postgres' });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name} OWNER central`);
      } finally {
        await c.end();
      }
      return urlOf(name);
    },
    stop,
  };
}
