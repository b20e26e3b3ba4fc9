/**
 * bench/issuance: the station's issuance path without device I/O — CSR check (PoP in the HSM + policy),
 * certificate build, SoftHSM2 P-256 signature, durable record (reserve + commit, SQLite WAL
 * synchronous=FULL) — on one core. Prints certificates/s and latency percentiles.
 *   npm run bench:issuance -- [--count N] [--concurrency C] [--rate R]
 *
 * Closed loop (default): C requests in flight at all times, as fast as the station goes.
 * Open loop (--rate R): a request starts every 1/R s whatever the others do, as devices arrive
 * on a line; latency is then measured at that offered load (queueing included).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { verifyCsr } from '../src/pki/csr.js';
import { HsmSignatureVerifier } from '../src/hsm/hsm-signature-verifier.js';
import { deviceCsrs, issuanceStack, percentile, serial } from './support.js';
import { cpuSince, threadCpu } from './thread-cpu.js';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '5' }, rate: { type: 'string' } },
});
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const rate = values.rate ? Number(values.rate) : null;

const stack = await issuanceStack(count + 10);
// proof of possession checked in the HSM, as the station's provisioning path does
const pop = new HsmSignatureVerifier(stack.hsm);
process.stdout.write(`making ${count} device CSRs (device-side work, not timed)...\n`);
const csrs = deviceCsrs(count);

// warm-up outside the measurement
const warm = deviceCsrs(50);
for (let i = 0; i < warm.length; i++) {
  await stack.issuance.issue({ deviceSerial: `WARM${i}`.padEnd(9, '0'), productModel: 'thermo-1', csr: verifyCsr(warm[i], ['ec-p256'], pop) }).catch(() => undefined);
}

const latencies: number[] = [];
let next = 0;
// for attaching a profiler to the timed part only (BENCH_PAUSE_MS, e.g. with perf record -p)
if (process.env.BENCH_PAUSE_MS) {
  process.stdout.write(`timed part starts in ${process.env.BENCH_PAUSE_MS} ms (pid ${process.pid})\n`);
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_PAUSE_MS)));
}
const cpu0 = threadCpu();
const t0 = performance.now();
async function lane(): Promise<void> {
  while (next < count) {
    const i = next++;
    const start = performance.now();
    const csr = verifyCsr(csrs[i], ['ec-p256'], pop);
    await stack.issuance.issue({ deviceSerial: serial(i), productModel: 'thermo-1', csr });
    latencies.push(performance.now() - start);
  }
}
const busy: Record<string, number> = {};
async function openLoop(perSecond: number): Promise<void> {
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = Math.max(due, 0);
    running.push(
      (async () => {
        try {
          const csr = verifyCsr(csrs[i], ['ec-p256'], pop);
          await stack.issuance.issue({ deviceSerial: serial(i), productModel: 'thermo-1', csr });
          latencies.push(performance.now() - start); // from when it was due: queueing counts
        } catch (err) {
          // more offered than the station takes: it sheds load (ISSUANCE_BUSY), counted here
          busy[(err as { code?: string }).code ?? 'error'] = (busy[(err as { code?: string }).code ?? 'error'] ?? 0) + 1;
        }
      })(),
    );
  }
  await Promise.all(running);
}
if (rate) await openLoop(rate);
else await Promise.all(Array.from({ length: concurrency }, lane));
const elapsed = (performance.now() - t0) / 1000;
const cpu = cpuSince(cpu0);
const rows = await stack.ds.query(`SELECT COUNT(*) AS n FROM issuance WHERE status = 'issued' AND device_serial LIKE 'SN%'`);
latencies.sort((a, b) => a - b);
const mode = rate ? `open loop at ${rate}/s offered` : `closed loop, ${concurrency} in flight`;
console.log(`issuance: ${count} durable HSM-signed birth certificates (SoftHSM2 P-256, SQLite WAL synchronous=FULL), ${mode}`);
console.log(`  throughput  ${(latencies.length / elapsed).toFixed(0)} certificates/s`);
console.log(`  latency     p50 ${percentile(latencies, 50).toFixed(2)} ms   p99 ${percentile(latencies, 99).toFixed(2)} ms   max ${latencies[latencies.length - 1].toFixed(2)} ms`);
const perCert = (ms: number): string => `${((ms * 1000) / latencies.length).toFixed(0)} µs`;
console.log(`  CPU per certificate ${perCert(cpu.reduce((a, [, ms]) => a + ms, 0))} (${cpu.map(([name, ms]) => `${name} ${perCert(ms)}`).join(', ')})`);
console.log(`  records     ${rows[0].n} committed`);
if (Object.keys(busy).length) console.log(`  refused     ${JSON.stringify(busy)} (offered more than the station takes)`);
await stack.close();
