import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { statCpuMs } from './thread-cpu.js';
import { request, type RequestOptions } from 'node:https';
import type { SecureContext } from 'node:tls';
import { request as httpRequest } from 'node:http';

/** One request's outcome and latency. */
export interface Sample {
  status: number;
  ms: number;
}

export interface LoadResult {
  samples: Sample[];
  wallMs: number;
}

/**
 * Fire `jobs` at a fixed concurrency, each a fresh TLS connection (agent: false): a device in
 * the field connects once to enroll, so every sample pays a full handshake.
 */
export async function runLoad(jobs: Array<() => Promise<Sample>>, concurrency: number): Promise<LoadResult> {
  const samples: Sample[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < jobs.length) {
      const i = next++;
      samples[i] = await jobs[i](); // by job index, so callers can split the samples by kind
    }
  }));
  return { samples, wallMs: performance.now() - t0 };
}

export function httpsPost(url: string, opts: { body: Buffer | string; contentType: string; ca?: Buffer; cert?: Buffer; key?: Buffer; secureContext?: SecureContext }): Promise<Sample> {
  const u = new URL(url);
  const t0 = performance.now();
  return new Promise((resolve) => {
    // a SecureContext made beforehand spares the load generator parsing PEM keys per request
    // (tls.connect takes it instead of ca/cert/key); the handshake is still a full one
    const options: RequestOptions & { secureContext?: SecureContext } = { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', ca: opts.ca, cert: opts.cert, key: opts.key, secureContext: opts.secureContext, agent: false, headers: { 'content-type': opts.contentType, 'content-length': Buffer.byteLength(opts.body) } };
    const req = request(
      options,
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
        // a connection cut in the middle of the answer ends the sample too: a lane never waits forever
        res.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
        res.on('close', () => resolve({ status: res.complete ? res.statusCode ?? 0 : 0, ms: performance.now() - t0 }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(opts.body);
  });
}

/** A CMP message over plain HTTP (the protocol protects itself), one connection per request; 200 with a PKIMessage whose body is not `error` counts. */
export function cmpPost(url: string, body: Buffer, accept: (answer: Buffer) => boolean): Promise<Sample> {
  const u = new URL(url);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false, headers: { 'content-type': 'application/pkixcmp', 'content-length': body.length } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode === 200 && accept(Buffer.concat(parts)) ? 200 : (res.statusCode ?? 0) + 1000, ms: performance.now() - t0 }));
        res.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
        res.on('close', () => resolve({ status: 0, ms: performance.now() - t0 }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(body);
  });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Binds every thread of a process to the given CPUs (`taskset -a`, util-linux; Linux only).
 * Threads it starts later inherit the binding from the thread that starts them.
 */
export function pinProcess(pid: number, cpus: string): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  } catch (err) {
    throw new Error(`cannot bind process ${pid} to CPUs ${cpus} with taskset (util-linux): ${(err as Error).message}`);
  }
}

/** utime + stime of a process (all its threads) in ms, from /proc. */
export function cpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** A process's peak resident memory in MiB (VmHWM), or NaN where /proc does not tell. */
export function peakRssMiB(pid: number): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function report(name: string, r: LoadResult, cpu: number): { rate: number; perCore: number; p50: number; p99: number; ok: number } {
  const ok = r.samples.filter((s) => s.status === 200).length;
  const lat = r.samples.map((s) => s.ms);
  const out = { rate: ok / (r.wallMs / 1000), perCore: ok / (cpu / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99), ok };
  console.log(
    `${name.padEnd(34)} ${String(ok).padStart(5)}/${r.samples.length} ok  ${out.rate.toFixed(0).padStart(5)}/s wall  ` +
      `${out.perCore.toFixed(0).padStart(5)}/s per server CPU-second  p50 ${out.p50.toFixed(1)} ms  p99 ${out.p99.toFixed(1)} ms`,
  );
  return out;
}
