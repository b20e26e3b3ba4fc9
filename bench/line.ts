/**
 * bench/line: 32 jigs in parallel (a real simulator process per jig on its own pty, the real
 * station, central, Redis and SoftHSM2), the simulators modelling wire time at 115200 baud.
 * Prints the station's time in each device's critical path — CSR check, issuance with its
 * durable records, read-back compare — excluding device and wire time (the station measures
 * around its own steps), and the station process's CPU time per device.
 *   npm run bench:line -- [--jigs 32] [--devices-per-jig 4]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { startLine, provisionAll } from '../src/demo/line.js';

const { values } = parseArgs({ options: { jigs: { type: 'string', default: '32' }, 'devices-per-jig': { type: 'string', default: '4' } } });
const jigs = Number(values.jigs);
const devices = jigs * Number(values['devices-per-jig']);
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
  const cpu0 = cpuMs(line.station.pid);
  const t0 = Date.now();
  const slots = await provisionAll(line, jigs, devices, 600_000);
  const wall = (Date.now() - t0) / 1000;
  const stationCpu = cpuMs(line.station.pid) - cpu0;
  const status = (await (await fetch(`${line.stationUrl}/api/status`, { headers: { authorization: `Bearer ${line.operatorToken}` } })).json()) as {
    shift: { provisioned: number; stationMsPerDevice: { p50: number; p99: number; samples: number } };
  };
  const s = status.shift.stationMsPerDevice;
  console.log(`line (wire time modelled at 115200 baud): ${jigs} jigs, ${devices} devices, ${slots.filter((x) => x.phase === 'done').length} provisioned in ${wall.toFixed(1)} s (${(devices / wall).toFixed(1)} devices/s incl. simulated device and wire time)`);
  console.log(`  station CPU per device (whole process: framing, queue, issuance, records, API): ${(stationCpu / devices).toFixed(2)} ms`);
  console.log(`  station time in each device's critical path (CSR check, issuance, durable records, read-back compare; wall clock, 2 cores shared with ${jigs} simulators): p50 ${s.p50.toFixed(2)} ms   p99 ${s.p99.toFixed(2)} ms`);
} finally {
  await line.stop();
  rmSync(dir, { recursive: true, force: true });
}
