/**
 * bench/enroll: field enrollment throughput at central, measured with a load generator in the
 * same run: EST simpleenroll over TLS with the birth certificate as client certificate (full
 * handshake per enrollment, greenfield policy, HSM signature by the Operational CA, durable
 * record), and side by side the same CSR-signing load against cfssl (`cfssl serve`, software CA
 * key, TLS) as a peer. Rates are per server CPU-second (the load generator shares the machine).
 *   npm run bench:enroll -- [--devices 600] [--concurrency 8]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { startLine, provisionAll } from '../src/demo/line.js';
import { freePort, httpJson, waitUntil } from '../src/demo/processes.js';
import { buildCsr } from '../src/pki/csr-builder.js';
import { toPem } from '../src/pki/pem.js';
import { deviceFiles } from '../src/demo/field-clients.js';
import { cpuMs, httpsPost, report, runLoad } from './enroll-load.js';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '600' }, concurrency: { type: 'string', default: '8' } } });
const devices = Number(values.devices);
const concurrency = Number(values.concurrency);
const dir = mkdtempSync(join(tmpdir(), 'bench-enroll-'));

console.log(`bench/enroll: provisioning ${devices} devices on a real line first (station, simulators, audit sync)…`);
const line = await startLine({ stateDir: dir, devices, jigs: 16, stationSettings: { auditSyncIntervalMs: 300 } });
try {
  await provisionAll(line, 16, devices, 600_000);
  await waitUntil('audit sync', async () => {
    const s = await httpJson<{ sync: { unsynced: number; ackedSeq: number } }>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
    return s.sync.unsynced === 0 && s.sync.ackedSeq > 0 ? true : undefined;
  }, 300_000, 500);
  // the station, simulators and Redis stay up but idle; central is the server under test
  const root = Buffer.from((await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/pki/root`)).pem);
  const centralPid = Number(execFileSync('pgrep', ['-P', String(line.central.pid)]).toString().trim().split('\n')[0]) || line.central.pid;

  // every device: its birth certificate + key for TLS, and a CSR for a new operational key
  const work = line.serials.map(async (serial) => {
    const f = deviceFiles(line.stateDir, serial);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const csr = Buffer.from(await buildCsr({ privateKey, publicKey, algorithm: 'ec-p256', subject: { serialNumber: serial, commonName: serial } }));
    return { cert: readFileSync(f.birth), key: readFileSync(f.key), csr };
  });
  const prepared = await Promise.all(work);

  const estUrl = `${line.centralTlsUrl}/.well-known/est/simpleenroll`;
  const cpu0 = cpuMs(centralPid);
  const est = await runLoad(prepared.map((d) => () => httpsPost(estUrl, { body: d.csr.toString('base64'), contentType: 'application/pkcs10', ca: root, cert: d.cert, key: d.key })), concurrency);
  const ours = report('central EST simpleenroll (mTLS, HSM)', est, cpuMs(centralPid) - cpu0);

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
    const tlsCa = readFileSync(join(peerDir, 'tls.pem'));
    await waitUntil('cfssl serve', async () => ((await httpsPost(`https://127.0.0.1:${port}/api/v1/cfssl/sign`, { body: '{}', contentType: 'application/json', ca: tlsCa })).status > 0 ? true : undefined), 15_000, 200);
    const peerCpu0 = cpuMs(cfssl.pid!);
    const peer = await runLoad(prepared.map((d) => () => httpsPost(`https://127.0.0.1:${port}/api/v1/cfssl/sign`, { body: JSON.stringify({ certificate_request: toPem(d.csr, 'CERTIFICATE REQUEST') }), contentType: 'application/json', ca: tlsCa })), concurrency);
    const theirs = report('cfssl serve /sign (TLS, key on disk)', peer, cpuMs(cfssl.pid!) - peerCpu0);
    console.log(`\nours / cfssl per server CPU-second: ${(ours.perCore / theirs.perCore).toFixed(2)}; wall: ${(ours.rate / theirs.rate).toFixed(2)}`);
    console.log('target: ≥ 500 enrollments/s per core at central (full TLS, policy, HSM signing, durable record)');
  } finally {
    cfssl.kill('SIGTERM');
  }
} finally {
  await line.stop();
  rmSync(dir, { recursive: true, force: true });
}
