import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STATION_CLI = fileURLToPath(new URL('../station/auth/user.cli.js', import.meta.url));
const CENTRAL_CLI = fileURLToPath(new URL('../central/auth/central-user.cli.js', import.meta.url));

/** Runs an accounts CLI's `add` with the password on stdin; resolves with what it printed. */
function addWithCli(cli: string, command: string, env: Record<string, string>, name: string, role: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'add', name, '--role', role, '--password-stdin'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} add ${name} exited ${code}: ${out.trim()}`))));
    child.stdin.end(password);
  });
}

/**
 * Add a station user the way a technician does on the station host (`npm run station:user --
 * add`), with the password on stdin. For the demo and the UI tests.
 */
export async function addStationUser(stateDir: string, name: string, role: 'operator' | 'supervisor', password: string): Promise<void> {
  await addWithCli(STATION_CLI, 'station:user', { STATION_CONFIG: join(stateDir, 'station', 'station.json') }, name, role, password);
}

/** Add a central console user as an administrator does (`npm run central:user -- add`), password on stdin. */
export function addCentralUser(stateDir: string, name: string, role: 'brand-owner' | 'auditor', password: string): Promise<string> {
  return addWithCli(CENTRAL_CLI, 'central:user', { CENTRAL_CONFIG: join(stateDir, 'central', 'central.json') }, name, role, password);
}
