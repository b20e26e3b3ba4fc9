import { spawn } from 'node:child_process';

/** Set in the copy that `runWithEnvironment` starts, so the copy knows it is the one to serve. */
const CHILD_MARK = 'BIRTHCERT_SERVING_CHILD';

/**
 * Some settings act only when a process starts: OpenSSL reads OPENSSL_CONF once, the dynamic
 * loader reads LD_PRELOAD once, node reads its flags once. Returns true when this process already
 * runs with every variable of `env` and every flag of `nodeFlags` (nothing to do, or it is the
 * copy); otherwise it starts a copy of itself with them, passes signals and the exit code
 * through, and returns false (the caller then does nothing more). The copy stops when this
 * process dies, even by SIGKILL: it watches the IPC channel between the two.
 */
export function runWithEnvironment(env: Record<string, string>, nodeFlags: string[] = []): boolean {
  if (process.env[CHILD_MARK] === '1') {
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
    return true;
  }
  const missingFlags = nodeFlags.filter((flag) => !process.execArgv.includes(flag));
  if (missingFlags.length === 0 && Object.entries(env).every(([name, value]) => process.env[name] === value)) return true;
  const child = spawn(process.execPath, [...process.execArgv, ...missingFlags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env, [CHILD_MARK]: '1' },
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return false;
}
