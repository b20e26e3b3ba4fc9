/**
 * bench/enroll: field enrollment throughput at central, measured with a load generator in the
 * same run: EST simpleenroll over TLS with the birth certificate as client certificate (full
 * handshake per enrollment, greenfield policy, HSM signature by the Operational CA, durable
 * record) for half the devices, CMP ir (birth-certificate protection, implicit confirm, over
 * HTTP) for the other half, and side by side the same CSR-signing load against cfssl (`cfssl serve`, software CA
 * key, TLS) as a peer. Rates are per server CPU-second (the load generator shares the machine).
 * Central is warmed up first by enrolling `--warmup` further devices the same way (not measured):
 * a central node serves all day, and the JIT optimises functions that run once per request
 * (onconnection, readCsr, readDeviceIdentity) only after 1,200 or more requests (a V8 code log,
 * `--log-code`, shows when); after 1,200 warm-up enrollments `--trace-opt` still counted 43
 * TurboFan compilations in the last 5.5 s of the timed part, after 2,000 only 13–20.
 * Measured from a cold start in slices of 1,000 (docs/performance.md), CMP `ir` alone kept getting
 * cheaper until ~3,000 requests and EST until ~2,500, so the default warm-up is 6,000, half of
 * each. The timed part is reported in quarters too, to show how steady the run was.
 * With `--pin` (Linux, 2 or more CPUs) each server under test runs alone on CPU 0 and this load
 * generator on the others, so the server's core is saturated as a busy node's is; without it
 * all share every CPU and a server that waits for its clients wakes up more often per request.
 *   npm run bench:enroll -- [--devices 1000] [--warmup 6000] [--concurrency 8] [--only est|cmp] [--pin]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { freePort, httpJson, waitUntil } from '../src/demo/processes.js';
import { buildCsr } from '../src/pki/csr-builder.js';
import { toPem } from '../src/pki/pem.js';
import { peakRssMiB, cpuMs, httpsPost, pinProcess, report, runLoad, type LoadResult } from './enroll-load.js';
import { auditedLine, onlyProtocol, prepareEnrollments, sendEnrollment, type PreparedEnrollment } from './enroll-requests.js';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '8' }, only: { type: 'string' }, warmup: { type: 'string', default: '6000' }, pin: { type: 'boolean', default: false } } });
const only = onlyProtocol(values.only);
const measured = Number(values.devices);
const warmup = Number(values.warmup);
const concurrency = Number(values.concurrency);
for (const [name, n, min] of [['--devices', measured, 1], ['--warmup', warmup, 0], ['--concurrency', concurrency, 1]] as const) {
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min}`);
}
const cpuCount = availableParallelism();
if (values.pin && cpuCount < 2) throw new Error('--pin needs 2 or more CPUs: one for the server, the rest for the load');
/**
 * --pin: the server under test alone on CPU 0, this load generator on the rest. The generator
 * binds itself only here, after the line is up: processes it starts inherit its binding.
 */
let generatorPinned = false;
const pinServer = (pid: number): void => {
  if (!values.pin) return;
  pinProcess(pid, '0');
  if (!generatorPinned) pinProcess(process.pid, `1-${cpuCount - 1}`);
  generatorPinned = true;
};
const devices = measured + warmup;
const percentileOf = (samples: Array<{ ms: number }>) => { const v = samples.map((x) => x.ms).sort((a, b) => a - b); return (v[Math.floor(0.99 * v.length)] ?? NaN).toFixed(1); };
const dir = mkdtempSync(join(tmpdir(), 'bench-enroll-'));

console.log(`bench/enroll: provisioning ${devices} devices on a real line first (station, simulators, audit sync; ${warmup} of them warm central up)…`);
const line = await auditedLine(dir, devices, 600_000);
try {
  console.log('line done: every device provisioned and on central\'s audit record; preparing the requests…');
  // the station, simulators and Redis stay up but idle; central is the server under test
  const root = Buffer.from((await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/pki/root`)).pem);
  const centralPid = Number(execFileSync('pgrep', ['-P', String(line.central.pid)]).toString().trim().split('\n')[0]) || line.central.pid;
  pinServer(centralPid);

  // every device: its birth certificate + key, and a request for a new operational key
  const prepared = await prepareEnrollments(line.stateDir, line.serials, root, only);
  const enrollOne = (d: PreparedEnrollment) => () => sendEnrollment({ tlsUrl: line.centralTlsUrl, httpUrl: line.centralUrl }, d);
  console.log(`warming central up with ${warmup} enrollments, then ${prepared.length - warmup} timed…`);
  const warm = await runLoad(prepared.splice(0, warmup).map(enrollOne), concurrency);
  const warmFailures = warm.samples.filter((x) => x.status !== 200).length;
  if (warmFailures) throw new Error(`${warmFailures} of the ${warmup} warm-up enrollments failed`);
  // for attaching a profiler to central for the timed part only, after the warm-up (BENCH_PAUSE_MS, e.g. perf record -p)
  if (process.env.BENCH_PAUSE_MS) {
    console.log(`timed part starts in ${process.env.BENCH_PAUSE_MS} ms (central pid ${centralPid})`);
    await new Promise((r) => setTimeout(r, Number(process.env.BENCH_PAUSE_MS)));
  }
  // the timed part in four windows, each with its own rate, so a run shows how steady it was
  const cpu0 = cpuMs(centralPid);
  const windows: LoadResult[] = [];
  const windowRates: number[] = [];
  const windowSize = Math.ceil(prepared.length / 4);
  for (let at = 0; at < prepared.length; at += windowSize) {
    const w0 = cpuMs(centralPid);
    const part = prepared.slice(at, at + windowSize);
    const r = await runLoad(part.map(enrollOne), concurrency);
    windows.push(r);
    windowRates.push(r.samples.filter((x) => x.status === 200).length / ((cpuMs(centralPid) - w0) / 1000));
  }
  const both: LoadResult = { samples: windows.flatMap((w) => w.samples), wallMs: windows.reduce((t, w) => t + w.wallMs, 0) };
  const ours = report('central EST + CMP ir (HSM signing)', both, cpuMs(centralPid) - cpu0);
  console.log(`  per server CPU-second in each quarter of the timed part: ${windowRates.map((r) => r.toFixed(0)).join(', ')}`);
  const estOnly = { samples: both.samples.filter((_, i) => prepared[i]?.kind === 'est'), wallMs: both.wallMs };
  const cmpOnly = { samples: both.samples.filter((_, i) => prepared[i]?.kind === 'cmp'), wallMs: both.wallMs };
  console.log(`  central's peak resident memory: ${peakRssMiB(centralPid).toFixed(0)} MiB`);
  console.log(`  of which EST simpleenroll (mTLS): ${estOnly.samples.filter((x) => x.status === 200).length} ok, p99 ${percentileOf(estOnly.samples)} ms; CMP ir: ${cmpOnly.samples.filter((x) => x.status === 200).length} ok, p99 ${percentileOf(cmpOnly.samples)} ms`);

  // the peer: cfssl serve with a software P-256 CA, over TLS, the same CSRs
  const peerDir = join(dir, 'cfssl');
  mkdirSync(peerDir, { recursive: true });
  const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: peerDir, stdio: 'pipe' });
  ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-subj', '/CN=cfssl peer CA', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tls-key.pem', '-out', 'tls.pem', '-subj', '/CN=127.0.0.1', '-days', '30', '-addext', 'subjectAltName=IP:127.0.0.1']);
  writeFileSync(join(peerDir, 'config.json'), JSON.stringify({ signing: { default: { expiry: '8760h', usages: ['digital signature', 'client auth'] } } }));
  const port = await freePort();
  const cfssl = spawn('cfssl', ['serve', '-address', '127.0.0.1', '-port', String(port), '-ca', 'ca.pem', '-ca-key', 'ca-key.pem', '-config', 'config.json', '-tls-cert', 'tls.pem', '-tls-key', 'tls-key.pem', '-loglevel', '4'], { cwd: peerDir, stdio: 'ignore' });
  try {
    pinServer(cfssl.pid!);
    const tlsCa = readFileSync(join(peerDir, 'tls.pem'));
    const peerTls = createSecureContext({ ca: tlsCa });
    await waitUntil('cfssl serve', async () => ((await httpsPost(`https://127.0.0.1:${port}/api/v1/cfssl/sign`, { body: '{}', contentType: 'application/json', ca: tlsCa })).status > 0 ? true : undefined), 15_000, 200);
    const csrs = await Promise.all(Array.from({ length: prepared.length + warmup }, async (_, i) => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return Buffer.from(await buildCsr({ privateKey, publicKey, algorithm: 'ec-p256', subject: { serialNumber: `P${i}`, commonName: `P${i}` } }));
    }));
    await runLoad(csrs.splice(0, warmup).map((csr) => () => httpsPost(`https://127.0.0.1:${port}/api/v1/cfssl/sign`, { body: JSON.stringify({ certificate_request: toPem(csr, 'CERTIFICATE REQUEST') }), contentType: 'application/json', secureContext: peerTls })), concurrency);
    const peerCpu0 = cpuMs(cfssl.pid!);
    const peer = await runLoad(csrs.map((csr) => () => httpsPost(`https://127.0.0.1:${port}/api/v1/cfssl/sign`, { body: JSON.stringify({ certificate_request: toPem(csr, 'CERTIFICATE REQUEST') }), contentType: 'application/json', secureContext: peerTls })), concurrency);
    const theirs = report('cfssl serve /sign (TLS, key on disk)', peer, cpuMs(cfssl.pid!) - peerCpu0);
    console.log(`\nours / cfssl per server CPU-second: ${(ours.perCore / theirs.perCore).toFixed(2)}; wall: ${(ours.rate / theirs.rate).toFixed(2)}`);
    if (only !== 'cmp') {
      const floor = await tlsFloor(peerDir, prepared.filter((d) => d.kind === 'est'));
      // the host's speed moves between runs (and within one): read central's rate beside the floor's
      console.log(`ours / TLS floor per server CPU-second: ${(ours.perCore / floor).toFixed(2)}`);
    }
    console.log('target: ≥ 500 enrollments/s per core at central (full TLS, policy, HSM signing, durable record)');
    if (values.pin) console.log('servers pinned to CPU 0, the load generator to the other CPUs (--pin)');
  } finally {
    cfssl.kill('SIGTERM');
  }
} finally {
  await line.stop();
  // BENCH_KEEP_DIR=1 keeps the state folder (central's log, say, with V8 trace flags from CENTRAL_NODE_ARGS)
  if (process.env.BENCH_KEEP_DIR) console.log(`state kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/**
 * The TLS floor: the same EST requests (birth certificate as client certificate, the CSR as
 * body) against a Node HTTPS server that answers at once, with central's TLS settings. What the
 * runtime's TLS stack costs per enrollment before central does any work of its own.
 */
async function tlsFloor(workDir: string, est: Array<{ cert: Buffer; key: Buffer; body: Buffer }>): Promise<number> {
  const conf = join(workDir, 'floor-openssl.cnf');
  // central's TLS settings: no session tickets (src/hsm/openssl-engine.ts)
  writeFileSync(conf, 'nodejs_conf = floor_init\n[floor_init]\nssl_conf = floor_ssl\n[floor_ssl]\nsystem_default = floor_tls\n[floor_tls]\nNumTickets = 0\n');
  const server = spawn(process.execPath, [join(import.meta.dirname, 'tls-floor-server.js'), join(workDir, 'tls.pem'), join(workDir, 'tls-key.pem')], { env: { ...process.env, OPENSSL_CONF: conf }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => {
        const m = /READY (\d+)/.exec(chunk.toString());
        if (m) resolve(Number(m[1]));
      });
      server.once('exit', (code) => reject(new Error(`TLS floor server exited ${code}`)));
    });
    pinServer(server.pid!);
    const tlsCa = readFileSync(join(workDir, 'tls.pem'));
    const url = `https://127.0.0.1:${port}/.well-known/est/simpleenroll`;
    const contexts = est.map((d) => createSecureContext({ ca: tlsCa, cert: d.cert, key: d.key }));
    const post = (d: (typeof est)[number], i: number) => () => httpsPost(url, { body: d.body.toString('base64'), contentType: 'application/pkcs10', secureContext: contexts[i] });
    await runLoad(est.slice(0, Math.min(200, est.length)).map(post), concurrency);
    const cpu0 = cpuMs(server.pid!);
    const r = await runLoad(est.map(post), concurrency);
    return report('TLS floor: Node HTTPS, mutual TLS, answers at once', r, cpuMs(server.pid!) - cpu0).perCore;
  } finally {
    server.kill('SIGTERM');
  }
}
