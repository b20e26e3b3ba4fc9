/**
 * bench/enroll-ab: two builds (or two settings) of central compared at the same time on one
 * core. The host's speed moves by a third within an hour (docs/performance.md), so two runs of
 * bench/enroll one after the other cannot tell a 5% change apart. Here two central processes,
 * A and B, start from copies of one provisioned line's state (database and HSM token), both
 * pinned to CPU 0, and every device enrolls at both, A first or B first in turn. Both see the
 * same host at the same moment; each one's CPU (all threads, from /proc) per enrollment is read
 * round by round, and their ratio is what the run reports.
 *
 *   npm run bench:enroll-ab -- [--a DIST] [--b DIST] [--a-args=--flag] [--b-args=--flag]
 *     [--a-env "NAME=value …"] [--b-env "NAME=value …"] [--a-config JSON] [--b-config JSON] [--rounds 4] [--devices 1000] [--warmup 6000] [--concurrency 8] [--only est|cmp] [--state DIR]
 *
 * DIST is the `dist` folder of a built checkout with its node_modules (this one by default), say
 * a `git worktree` of the commit before a change, built with `npx tsc -p tsconfig.json`.
 * `--a-config` / `--b-config` merge settings into that central's config file, e.g.
 * `--a-config '{"allocator":"system"}'` to weigh jemalloc against the C library's malloc.
 * `--state DIR` keeps the provisioned line there and reuses it in later runs (provisioning
 * 16,000 devices takes minutes); each run enrolls fresh copies of it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, httpJson, startProcess, type RunningProcess } from '../src/demo/processes.js';
import { cpuMs, pinProcess, runLoad, type Sample } from './enroll-load.js';
import { auditedLine, onlyProtocol, prepareEnrollments, sendEnrollment, type PreparedEnrollment } from './enroll-requests.js';

const here = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    a: { type: 'string', default: here },
    b: { type: 'string', default: here },
    'a-args': { type: 'string', default: '' },
    'b-args': { type: 'string', default: '' },
    'a-env': { type: 'string', default: '' },
    'b-env': { type: 'string', default: '' },
    'a-config': { type: 'string', default: '{}' },
    'b-config': { type: 'string', default: '{}' },
    rounds: { type: 'string', default: '4' },
    devices: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '6000' },
    concurrency: { type: 'string', default: '8' },
    only: { type: 'string' },
    state: { type: 'string' },
  },
});
const only = onlyProtocol(values.only);
const [rounds, perRound, warmup, concurrency] = (['rounds', 'devices', 'warmup', 'concurrency'] as const).map((name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name} must be a whole number of at least ${name === 'warmup' ? 0 : 1}`);
  return n;
});
for (const dist of [values.a, values.b]) {
  if (!existsSync(join(dist, 'src/central/main.js'))) throw new Error(`${dist} holds no built central (src/central/main.js)`);
}
if (availableParallelism() < 2) throw new Error('enroll-ab needs 2 or more CPUs: one for both centrals, the rest for the load');
const needed = warmup + rounds * perRound;
// read before anything starts, so a mistyped pair stops the run at once
const [envA, envB] = [envOf(values['a-env']), envOf(values['b-env'])];
const [configA, configB] = [settingsOf('--a-config', values['a-config']), settingsOf('--b-config', values['b-config'])];

interface LineState {
  serials: string[];
  rootPem: string;
}

/** A provisioned line whose every device is on central's audit record, its processes stopped. */
async function provisionedLine(dir: string): Promise<LineState> {
  const readyFile = join(dir, 'ab-ready.json');
  if (existsSync(readyFile)) {
    const state = JSON.parse(readFileSync(readyFile, 'utf8')) as LineState;
    if (state.serials.length >= needed) return state;
  }
  console.log(`provisioning ${needed} devices on a real line (station, simulators, audit sync)…`);
  const line = await auditedLine(dir, needed, 900_000);
  try {
    const { pem } = await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/pki/root`);
    const state = { serials: line.serials, rootPem: pem };
    await line.stop();
    writeFileSync(readyFile, JSON.stringify(state));
    return state;
  } catch (err) {
    await line.stop();
    throw err;
  }
}

interface Central {
  name: string;
  proc: RunningProcess;
  /** the process that serves (central re-executes itself with the engine's OpenSSL config) */
  serverPid: number;
  urls: { tlsUrl: string; httpUrl: string };
  workDir: string;
}

/** A copy of the line's central (database and HSM token) started from `dist` on its own ports. */
async function startCentral(name: string, dist: string, nodeArgs: string, env: Record<string, string>, settings: Record<string, unknown>, lineDir: string): Promise<Central> {
  const workDir = mkdtempSync(join(tmpdir(), `enroll-ab-${name}-`));
  cpSync(join(lineDir, 'central'), join(workDir, 'central'), { recursive: true });
  cpSync(join(lineDir, 'hsm'), join(workDir, 'hsm'), { recursive: true });
  const hsmConf = join(workDir, 'hsm', 'softhsm2.conf');
  writeFileSync(hsmConf, readFileSync(hsmConf, 'utf8').split(join(lineDir, 'hsm')).join(join(workDir, 'hsm')));
  const configPath = join(workDir, 'central', 'central.json');
  const config = { ...JSON.parse(readFileSync(configPath, 'utf8')), ...settings };
  const [httpPort, tlsPort] = [await freePort(), await freePort()];
  config.databasePath = join(workDir, 'central', 'central.db');
  config.http.port = httpPort;
  config.tls.port = tlsPort;
  writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  const proc = await startProcess({
    name: `central ${name}`,
    command: process.execPath,
    args: [...nodeArgs.split(' ').filter(Boolean), join(dist, 'src/central/main.js')],
    env: { ...env, SOFTHSM2_CONF: hsmConf, CENTRAL_CONFIG: configPath },
    logFile: join(workDir, 'central.log'),
    readyPattern: /READY central (\S+)/,
  }).catch((err: unknown) => {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  });
  let serverPid = proc.pid;
  try {
    serverPid = Number(execFileSync('pgrep', ['-P', String(proc.pid)]).toString().trim().split('\n')[0]) || proc.pid;
  } catch {
    // no child: central serves from the process it was started as
  }
  pinProcess(serverPid, '0');
  return { name, proc, serverPid, urls: { tlsUrl: `https://127.0.0.1:${tlsPort}`, httpUrl: `http://127.0.0.1:${httpPort}` }, workDir };
}

/** `--a-config` / `--b-config`: a JSON object of settings merged into that central's config file. */
function settingsOf(option: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${option} takes a JSON object of central settings: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${option} takes a JSON object of central settings`);
  return parsed as Record<string, unknown>;
}

/** "NAME=value NAME2=value2" as an environment (for LD_PRELOAD, GLIBC_TUNABLES, UV_THREADPOOL_SIZE …). */
function envOf(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(' ').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--a-env and --b-env take NAME=value pairs, not "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

/** Each device enrolls at both centrals, A first for even ones and B first for odd ones. */
async function enrollAtBoth(a: Central, b: Central, devices: PreparedEnrollment[]): Promise<{ a: Sample[]; b: Sample[] }> {
  const out = { a: [] as Sample[], b: [] as Sample[] };
  await runLoad(devices.map((d, i) => async () => {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const s1 = await sendEnrollment(first.urls, d);
    const s2 = await sendEnrollment(second.urls, d);
    (first === a ? out.a : out.b).push(s1);
    (second === a ? out.a : out.b).push(s2);
    return s1;
  }), concurrency);
  return out;
}

const lineDir = resolve(values.state ?? mkdtempSync(join(tmpdir(), 'enroll-ab-line-')));
const centrals: Central[] = [];
try {
  const state = await provisionedLine(lineDir);
  const prepared = await prepareEnrollments(lineDir, state.serials.slice(0, needed), Buffer.from(state.rootPem), only);
  const a = await startCentral('A', values.a, values['a-args'], envA, configA, lineDir);
  centrals.push(a);
  const b = await startCentral('B', values.b, values['b-args'], envB, configB, lineDir);
  centrals.push(b);
  pinProcess(process.pid, `1-${availableParallelism() - 1}`);
  console.log(`A: ${values['a-env']} ${values.a} ${values['a-args']} ${values['a-config']}\nB: ${values['b-env']} ${values.b} ${values['b-args']} ${values['b-config']}`);
  console.log(`both on CPU 0; warming each up with ${warmup} enrollments, then ${rounds} rounds of ${perRound} at each…`);
  const warm = await enrollAtBoth(a, b, prepared.splice(0, warmup));
  const warmFailed = [...warm.a, ...warm.b].filter((s) => s.status !== 200).length;
  if (warmFailed) throw new Error(`${warmFailed} warm-up enrollments failed`);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const [a0, b0] = [cpuMs(a.serverPid), cpuMs(b.serverPid)];
    const got = await enrollAtBoth(a, b, prepared.splice(0, perRound));
    const [aMs, bMs] = [cpuMs(a.serverPid) - a0, cpuMs(b.serverPid) - b0];
    const [aOk, bOk] = [got.a, got.b].map((s) => s.filter((x) => x.status === 200).length);
    if (aOk !== perRound || bOk !== perRound) throw new Error(`round ${r + 1}: ${perRound - aOk} failed at A, ${perRound - bOk} at B`);
    ratios.push(bMs / aMs);
    console.log(`round ${r + 1}: A ${(aOk / (aMs / 1000)).toFixed(0)}/CPU-s, B ${(bOk / (bMs / 1000)).toFixed(0)}/CPU-s; B's CPU per enrollment ÷ A's: ${(bMs / aMs).toFixed(3)}`);
  }
  const mean = ratios.reduce((t, x) => t + x, 0) / ratios.length;
  console.log(`B ÷ A, CPU per enrollment: mean ${mean.toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)} over ${rounds} rounds`);
} finally {
  for (const c of centrals) {
    await c.proc.stop();
    rmSync(c.workDir, { recursive: true, force: true });
  }
  if (!values.state) rmSync(lineDir, { recursive: true, force: true });
}
