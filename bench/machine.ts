/**
 * bench/machine: what this machine makes cheap or dear, for reading the other benchmarks'
 * figures. The station and central hand work between threads (the group-commit writer, the
 * thread pool), sync to disk and verify signatures; how much each costs differs a lot between
 * machines (a virtual machine's thread wake-ups, say), and so do the figures built on them.
 *   npm run bench:machine
 */
import { Worker } from 'node:worker_threads';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];

async function workerRoundTrip(n = 5000): Promise<number> {
  const w = new Worker(`require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m));`, { eval: true });
  try {
    const t0 = performance.now();
    let i = 0;
    await new Promise<void>((resolve) => {
      w.on('message', () => (++i === n ? resolve() : w.postMessage(i)));
      w.postMessage(0);
    });
    return ((performance.now() - t0) / n) * 1000;
  } finally {
    await w.terminate();
  }
}

function fdatasyncMs(n = 300): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-machine-'));
  const fd = openSync(join(dir, 'sync.bin'), 'w');
  const page = Buffer.alloc(4096, 1);
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      writeSync(fd, page, 0, page.length, (i % 16) * 4096);
      const t0 = performance.now();
      fdatasyncSync(fd);
      samples.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}

function perOpMicros(n: number, op: (i: number) => unknown): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) op(i);
  return ((performance.now() - t0) / n) * 1000;
}

const hop = await workerRoundTrip();
const sync = fdatasyncMs();
const data = Buffer.alloc(600, 7);
const keys = Array.from({ length: 1000 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }));
const signatures = keys.map((k) => sign('sha256', data, k.privateKey));
const spkis = keys.map((k) => k.publicKey.export({ format: 'der', type: 'spki' }));
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, OpenSSL ${process.versions.openssl}`);
console.log(`  thread hand-off: worker postMessage round trip ${hop.toFixed(0)} µs`);
console.log(`  disk: 4 KiB fdatasync p50 ${pct(sync, 50).toFixed(2)} ms, p99 ${pct(sync, 99).toFixed(2)} ms`);
console.log(`  P-256 in node:crypto: sign ${perOpMicros(1000, (i) => sign('sha256', data, keys[i].privateKey)).toFixed(0)} µs, verify with a loaded key ${perOpMicros(1000, (i) => verify('sha256', data, keys[i].publicKey, signatures[i])).toFixed(0)} µs, import SPKI + verify ${perOpMicros(1000, (i) => verify('sha256', data, createPublicKey({ key: spkis[i], format: 'der', type: 'spki' }), signatures[i])).toFixed(0)} µs`);
