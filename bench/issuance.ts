/**
 * bench/issuance: the station's issuance path without device I/O — CSR check (PoP + policy),
 * certificate build, SoftHSM2 P-256 signature, durable record (reserve + commit, SQLite WAL
 * synchronous=FULL) — on one core. Prints certificates/s and latency percentiles.
 *   npm run bench:issuance -- [--count N] [--concurrency C]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { verifyCsr } from '../src/pki/csr.js';
import { deviceCsrs, issuanceStack, percentile, serial } from './support.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '16' } } });
const count = Number(values.count);
const concurrency = Number(values.concurrency);

const stack = await issuanceStack(count + 10);
process.stdout.write(`making ${count} device CSRs (device-side work, not timed)...\n`);
const csrs = deviceCsrs(count);

// warm-up outside the measurement
const warm = deviceCsrs(50);
for (let i = 0; i < warm.length; i++) {
  await stack.issuance.issue({ deviceSerial: `WARM${i}`.padEnd(9, '0'), productModel: 'thermo-1', csr: verifyCsr(warm[i], ['ec-p256']) }).catch(() => undefined);
}

const latencies: number[] = [];
let next = 0;
const t0 = performance.now();
async function lane(): Promise<void> {
  while (next < count) {
    const i = next++;
    const start = performance.now();
    const csr = verifyCsr(csrs[i], ['ec-p256']);
    await stack.issuance.issue({ deviceSerial: serial(i), productModel: 'thermo-1', csr });
    latencies.push(performance.now() - start);
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
const elapsed = (performance.now() - t0) / 1000;
const rows = await stack.ds.query(`SELECT COUNT(*) AS n FROM issuance WHERE status = 'issued' AND device_serial LIKE 'SN%'`);
latencies.sort((a, b) => a - b);
console.log(`issuance: ${count} durable HSM-signed birth certificates (SoftHSM2 P-256, SQLite WAL synchronous=FULL), concurrency ${concurrency}`);
console.log(`  throughput  ${(count / elapsed).toFixed(0)} certificates/s`);
console.log(`  latency     p50 ${percentile(latencies, 50).toFixed(2)} ms   p99 ${percentile(latencies, 99).toFixed(2)} ms   max ${latencies[latencies.length - 1].toFixed(2)} ms`);
console.log(`  records     ${rows[0].n} committed`);
await stack.close();
