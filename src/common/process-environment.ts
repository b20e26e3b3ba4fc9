import { spawn } from 'node:child_process';

/** Set in the copy that `runWithEnvironment` starts, so the copy knows it is the one to serve. */
const CHILD_MARK = 'BIRTHCERT_SERVING_CHILD';

/**
 * Some settings act only when a process starts: OpenSSL reads OPENSSL_CONF once, the dynamic
 * loader reads LD_PRELOAD once. Returns true when this process already runs with every variable
 * of `wanted` (nothing to do, or it is the copy); otherwise it starts a copy of itself with them,
 * passes signals and the exit code through, and returns false (the caller then does nothing
 * more). The copy stops when this process dies, even by SIGKILL: it watches the IPC channel
 * between the two.
 */
export function runWithEnvironment(wanted: Record<string, string>): boolean {
  if (process.env[CHILD_MARK] === '1') {
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
    return true;
  }
  if (Object.entries(wanted).every(([name, value]) => process.env[name] === value)) return true;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...wanted, [CHILD_MARK]: '1' },
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return false;
}
