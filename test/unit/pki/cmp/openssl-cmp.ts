import { spawn } from 'node:child_process';

export interface OpensslRun {
  code: number | null;
  output: string;
}

/**
 * Run `openssl cmp` as a process (asynchronously: the server under test may live in this
 * process). No config file; verbosity INFO so failures say why.
 */
export function opensslCmp(args: string[], timeoutMs = 60_000): Promise<OpensslRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['cmp', '-config', '', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
