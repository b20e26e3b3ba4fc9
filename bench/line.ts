/**
 * bench/line: 32 jigs in parallel (a real simulator process per jig on its own pty, the real
 * station, central, Redis and SoftHSM2), the simulators modelling wire time at 115200 baud.
 * Prints the station's time in each device's critical path — CSR check, issuance with its
 * durable records, read-back compare — excluding device and wire time (the station measures
 * around its own steps), and the station process's CPU time per device.
 * The first device of each jig warms the station up and is not measured (a new shift follows).
 *   npm run bench:line -- [--jigs 32] [--devices-per-jig 5]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { startLine, provisionAll } from '../src/demo/line.js';
import { waitUntil } from '../src/demo/processes.js';

const { values } = parseArgs({ options: { jigs: { type: 'string', default: '32' }, 'devices-per-jig': { type: 'string', default: '5' } } });
const jigs = Number(values.jigs);
const perJig = Number(values['devices-per-jig']);
if (!(perJig >= 2)) throw new Error('--devices-per-jig must be at least 2: the first device of each jig warms the station up');
const devices = jigs * perJig;
const dir = mkdtempSync(join(tmpdir(), 'bench-line-'));
// Simulators model wire time at 115200 baud: a real line's devices arrive at the speed of their wires.
const line = await startLine({ stateDir: dir, devices, jigs, modelWire: true });
/**
 * utime + stime in ms of a process and its descendants, from /proc (the station is a separate
 * process, which re-executes itself with OpenSSL's PKCS#11 engine configured: the work is in
 * the child).
 */
function cpuMs(pid: number): number {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => {
      try {
        const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ');
        return { pid: Number(name), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
      } catch {
        return null; // gone while we looked
      }
    })
    .filter((x) => x !== null);
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of stats) if (!tree.has(p.pid) && tree.has(p.ppid)) (tree.add(p.pid), (grew = true));
  }
  const ticks = stats.filter((p) => tree.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

// The devices are separate hardware on a real line: here their simulators share the station's
// two cores, so they run at the lowest priority to keep them from inflating the station's times.
// The same for the socat processes that stand in for the wires.
for (const pid of [...line.simulators.map((x) => x.pid), ...line.ptys.map((p) => p.pid)]) {
  execFileSync('renice', ['-n', '19', '-p', String(pid)], { stdio: 'ignore' });
}

try {
  // Warm-up, not measured: the first device of every jig (a station that has just started runs
  // cold code), then a new shift so the station's figures count only what follows.
  const asOperator = { authorization: `Bearer ${line.operatorToken}` };
  await Promise.all(Array.from({ length: jigs }, (_, j) => fetch(`${line.stationUrl}/api/jigs/jig-${j + 1}/scan?slot=0`, { method: 'POST', headers: asOperator })));
  await waitUntil('the warm-up devices', async () => {
    const all = (await (await fetch(`${line.stationUrl}/api/jigs`, { headers: asOperator })).json()) as Array<{ phase: string }>;
    return all.length >= jigs && all.every((s) => ['done', 'failed', 'refused'].includes(s.phase)) ? true : undefined;
  }, 120_000, 100);
  const shift = await fetch(`${line.stationUrl}/api/shift`, { method: 'POST', headers: { authorization: `Bearer ${line.supervisorToken}`, 'content-type': 'application/json' }, body: '{}' });
  if (shift.status !== 201) throw new Error(`new shift refused: ${shift.status}`);

  const cpu0 = cpuMs(line.station.pid);
  const t0 = Date.now();
  const slots = await provisionAll(line, jigs, devices, 600_000);
  const wall = (Date.now() - t0) / 1000;
  const stationCpu = cpuMs(line.station.pid) - cpu0;
  const measured = devices - jigs;
  const status = (await (await fetch(`${line.stationUrl}/api/status`, { headers: { authorization: `Bearer ${line.operatorToken}` } })).json()) as {
    shift: { provisioned: number; stationMsPerDevice: { p50: number; p99: number; samples: number } };
  };
  const s = status.shift.stationMsPerDevice;
  console.log(`line (wire time modelled at 115200 baud): ${jigs} jigs, ${devices} devices (${jigs} to warm up, ${measured} measured, ${s.samples} samples), ${slots.filter((x) => x.phase === 'done').length} done; the measured ${measured} in ${wall.toFixed(1)} s (${(measured / wall).toFixed(1)} devices/s incl. simulated device and wire time)`);
  console.log(`  station CPU per device (whole process: framing, queue, issuance, records, API): ${(stationCpu / measured).toFixed(2)} ms`);
  console.log(`  station time in each device's critical path (CSR check, issuance, durable records, read-back compare; wall clock, 2 cores shared with ${jigs} simulators): p50 ${s.p50.toFixed(2)} ms   p99 ${s.p99.toFixed(2)} ms`);
} finally {
  await line.stop();
  // BENCH_KEEP_DIR=1 keeps the state folder (the station's log, say)
  if (process.env.BENCH_KEEP_DIR) console.log(`state kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
