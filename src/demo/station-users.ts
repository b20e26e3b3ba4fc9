import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../station/auth/user.cli.js', import.meta.url));

/**
 * Add a station user the way a technician does on the station host (`npm run station:user --
 * add`), with the password on stdin. For the demo and the UI tests.
 */
export function addStationUser(stateDir: string, name: string, role: 'operator' | 'supervisor', password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'add', name, '--role', role, '--password-stdin'], {
      env: { ...process.env, STATION_CONFIG: join(stateDir, 'station', 'station.json') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`station:user add ${name} exited ${code}: ${out.trim()}`))));
    child.stdin.end(password);
  });
}

const CENTRAL_CLI = fileURLToPath(new URL('../central/auth/central-user.cli.js', import.meta.url));

/** Add a central console user as an administrator does (`npm run central:user -- add`), password on stdin. */
export function addCentralUser(stateDir: string, name: string, role: 'brand-owner' | 'auditor', password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CENTRAL_CLI, 'add', name, '--role', role, '--password-stdin'], {
      env: { ...process.env, CENTRAL_CONFIG: join(stateDir, 'central', 'central.json') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`central:user add ${name} exited ${code}: ${out.trim()}`))));
    child.stdin.end(password);
  });
}
