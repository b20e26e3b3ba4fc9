import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

export interface RunningProcess {
  name: string;
  pid: number;
  /** text after the READY marker (e.g. the URL) */
  ready: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound and released; fine for a test or a demo). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start a process, send its output to `logFile`, and wait until a line matching `readyPattern`
 * appears (or fail with the log's tail when it exits or times out). Stopped by PID.
 */
export function startProcess(opts: {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  readyPattern: RegExp;
  timeoutMs?: number;
}): Promise<RunningProcess> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(opts.command, opts.args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${opts.name} not ready after ${opts.timeoutMs ?? 30_000} ms`)), opts.timeoutMs ?? 30_000);
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n--- ${opts.logFile} (tail) ---\n${tail.slice(-3000)}`));
    };
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-8000);
      const m = opts.readyPattern.exec(tail);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ name: opts.name, pid: child.pid!, ready: m[1] ?? m[0], child, stop: (signal) => stopChild(child, signal) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (err) => fail(err));
    child.on('exit', (code, signal) => {
      log.end();
      fail(new Error(`${opts.name} exited (${code ?? signal}) before it was ready`));
    });
  });
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** A private Redis server for this run: no persistence, loopback only, its own port. */
export function startRedis(dir: string, port: number, logFile: string): Promise<RunningProcess> {
  mkdirSync(dir, { recursive: true });
  return startProcess({
    name: 'redis',
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'],
    logFile,
    readyPattern: /Ready to accept connections/,
  });
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function httpJson<T>(method: string, url: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
