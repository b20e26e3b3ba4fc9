import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSoftHsmToken } from '../hsm/softhsm-token.js';
import { createPtyPair, type PtyPair } from '../../fixtures/device-simulator/pty-pair.js';
import { startSimulator, type RunningSimulator } from '../../fixtures/device-simulator/start-simulator.js';
import { freePort, httpJson, startProcess, startRedis, waitUntil, type RunningProcess } from './processes.js';

export interface LineOptions {
  stateDir: string;
  devices: number;
  jigs: number;
  /** order quota; defaults to the number of devices */
  quota?: number;
  product?: string;
  /** per-device misbehaviour, by 1-based device index (e.g. {3: 'bad-csr-signature'}) */
  modes?: Record<number, string>;
  /** provisioning attempts per device before it is marked failed (station default 5) */
  attempts?: number;
  /** serials to give devices instead of the generated ones, by 1-based index (duplicates make clones) */
  serialOverrides?: Record<number, string>;
  /** simulators delay traffic by its wire time at 115200 baud, as a real line would */
  modelWire?: boolean;
  /** extra central settings (e.g. enrollment) */
  centralSettings?: Record<string, unknown>;
  /** extra station settings (e.g. hsmCounterBlock) */
  stationSettings?: Record<string, unknown>;
  /** progress lines for the person watching */
  log?: (line: string) => void;
}

export interface SlotView {
  jigId: string;
  slot: number;
  phase: string;
  deviceSerial?: string;
  code?: string;
  message?: string;
}

export interface RunningLine {
  stateDir: string;
  stationUrl: string;
  centralUrl: string;
  /** central's HTTPS listener (EST), its key in central's HSM */
  centralTlsUrl: string;
  adminToken: string;
  /** the station's automation tokens: supervisor (opens orders, imports grants) and operator (scans, reads) */
  supervisorToken: string;
  operatorToken: string;
  orderId: string;
  serials: string[];
  redis: RunningProcess;
  readonly central: RunningProcess;
  readonly station: RunningProcess;
  /** start central again on the same port and state (after it was stopped) */
  restartCentral(): Promise<RunningProcess>;
  /** the station's token, for tests that read its counters while it is stopped */
  hsm: { modulePath: string; confPath: string; pin: string };
  /** start the station again on the same port and state (after it was killed), with extra env */
  restartStation(env?: NodeJS.ProcessEnv): Promise<RunningProcess>;
  simulators: RunningSimulator[];
  ptys: PtyPair[];
  stop(): Promise<void>;
}

const DIST = fileURLToPath(new URL('../../', import.meta.url)); // dist/
const MARKER = '.provisioning-demo-state';
const TERMINAL = new Set(['done', 'failed', 'refused']);

export const serialOf = (i: number): string => `SN${String(i).padStart(6, '0')}`;

async function inBatches<T>(size: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < tasks.length; i += size) out.push(...(await Promise.all(tasks.slice(i, i + size).map((t) => t()))));
  return out;
}

/** Refuse to wipe a folder this tool did not create. */
function prepareStateDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, MARKER))) throw new Error(`state dir ${dir} is not empty and was not made by the demo: choose another --state-dir`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'created by npm run demo; safe to delete\n');
}

/**
 * Bring up a whole line on embedded defaults: SoftHSM2 tokens, a private Redis, central, the
 * station, one simulator process per jig on a socat pty pair; create and open an order.
 */
export async function startLine(opts: LineOptions): Promise<RunningLine> {
  const say = opts.log ?? (() => undefined);
  const dir = resolve(opts.stateDir);
  prepareStateDir(dir);
  const product = opts.product ?? 'thermo-1';
  const orderId = `PO-${new Date().toISOString().slice(0, 10)}-${randomBytes(2).toString('hex')}`;
  const adminToken = randomBytes(16).toString('hex');
  const stationToken = randomBytes(16).toString('hex');
  const pin = randomBytes(6).toString('hex');
  const stopList: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stopList.reverse()) await s().catch(() => undefined);
  };

  try {
    say('HSM: initialising SoftHSM2 tokens "central" and "station"');
    const hsmDir = join(dir, 'hsm');
    const central = await ensureSoftHsmToken({ dir: hsmDir, tokenLabel: 'central', pin, soPin: randomBytes(6).toString('hex') });
    await ensureSoftHsmToken({ dir: hsmDir, tokenLabel: 'station', pin, soPin: randomBytes(6).toString('hex') });
    const hsmEnv = { SOFTHSM2_CONF: central.confPath };

    const [redisPort, centralPort, stationPort, centralTlsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    say(`Redis: starting a private server on 127.0.0.1:${redisPort}`);
    const redis = await startRedis(join(dir, 'redis'), redisPort, join(dir, 'logs', 'redis.log'));
    stopList.push(() => redis.stop());

    const centralConfig = join(dir, 'central', 'central.json');
    mkdirSync(join(dir, 'central'), { recursive: true });
    writeFileSync(
      centralConfig,
      JSON.stringify({
        databasePath: join(dir, 'central', 'central.db'),
        http: { host: '127.0.0.1', port: centralPort },
        hsm: { modulePath: central.modulePath, tokenLabel: 'central', pin },
        brand: { organization: 'Acme Devices', rootCommonName: 'Acme Devices Brand Root CA' },
        adminToken,
        stations: [{ stationId: 'line-1', apiToken: stationToken }],
        tls: { host: '127.0.0.1', port: centralTlsPort, serverNames: ['127.0.0.1', 'localhost'] },
        ...opts.centralSettings,
      }, null, 2),
      { mode: 0o600 },
    );
    say('central: starting (brand root, management CA, operational CA, quota signer in its HSM)');
    const launchCentral = () =>
      startProcess({
        name: 'central',
        command: process.execPath,
        // CENTRAL_NODE_ARGS (e.g. "--cpu-prof") lets a developer profile central under load
        args: [...(process.env.CENTRAL_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(DIST, 'src/central/main.js')],
        env: { ...hsmEnv, CENTRAL_CONFIG: centralConfig },
        logFile: join(dir, 'logs', 'central.log'),
        readyPattern: /READY central (\S+)/,
      });
    let centralProc = await launchCentral();
    stopList.push(() => centralProc.stop());
    const centralUrl = centralProc.ready;

    // commissioning: the station trusts the brand root installed as a file, never fetched at run time
    const { pem: rootPem } = await httpJson<{ pem: string }>('GET', `${centralProc.ready}/api/pki/root`);
    mkdirSync(join(dir, 'station'), { recursive: true });
    const trustAnchorPath = join(dir, 'station', 'brand-root.pem');
    writeFileSync(trustAnchorPath, rootPem);
    const supervisorToken = randomBytes(16).toString('hex');
    const operatorToken = randomBytes(16).toString('hex');

    const serials = Array.from({ length: opts.devices }, (_, i) => opts.serialOverrides?.[i + 1] ?? serialOf(i + 1));
    await httpJson('POST', `${centralProc.ready}/api/orders`, {
      orderId,
      stationId: 'line-1',
      productModel: product,
      quota: opts.quota ?? opts.devices,
      serialFirst: serialOf(1),
      serialLast: serialOf(Math.max(opts.devices, 1) + 999),
      notBefore: new Date(Date.now() - 60_000).toISOString(),
      notAfter: new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString(),
    }, adminToken);
    say(`central: order ${orderId} for ${opts.quota ?? opts.devices} × ${product}`);

    const ptys: PtyPair[] = [];
    const simulators: RunningSimulator[] = [];
    mkdirSync(join(dir, 'pty'), { recursive: true });
    // jigs come up 8 at a time: a line of 64 starts in seconds without starving 2 cores
    const jigs = await inBatches(
      8,
      Array.from({ length: opts.jigs }, (_, j) => async () => {
        const jigId = `jig-${j + 1}`;
        const devices = serials
          .map((s, i) => ({ s, i }))
          .filter(({ i }) => i % opts.jigs === j)
          .map(({ s, i }) => `${s}:${product}${opts.modes?.[i + 1] ? `:${opts.modes[i + 1]}` : ''}`);
        const pty = await createPtyPair(join(dir, 'pty'), jigId);
        ptys.push(pty);
        stopList.push(() => pty.close());
        if (devices.length) {
          const sim = await startSimulator({
            port: pty.devicePath,
            jigId,
            stateDir: dir,
            devices: devices.join(','),
            modelWire: opts.modelWire,
            readyTimeoutMs: 30_000,
          });
          simulators.push(sim);
          stopList.push(() => sim.stop());
        }
        // a real line names each port by /dev/serial/by-path/...; the demo's ports are pty links
        return { id: jigId, product, maxParallel: 4, ports: [{ transport: 'serial', path: pty.stationPath, baudRate: 115200 }] };
      }),
    );
    say(`jigs: ${opts.jigs} simulated jigs on pseudo-terminals, ${opts.devices} devices`);

    const stationConfig = join(dir, 'station', 'station.json');
    mkdirSync(join(dir, 'station'), { recursive: true });
    // the station learns its jigs from a jig configuration file (src/config/jig-config.ts)
    writeFileSync(join(dir, 'station', 'jigs.json'), `${JSON.stringify({ version: 1, jigs }, null, 2)}\n`);
    writeFileSync(
      stationConfig,
      JSON.stringify({
        stationId: 'line-1',
        databasePath: join(dir, 'station', 'station.db'),
        http: { host: '127.0.0.1', port: stationPort },
        redis: { host: '127.0.0.1', port: redisPort },
        hsm: { modulePath: central.modulePath, tokenLabel: 'station', pin },
        // audit batches over mutual TLS to central's HTTPS listener (docs/decisions/0008)
        central: { url: centralProc.ready, apiToken: stationToken, tlsUrl: `https://127.0.0.1:${centralTlsPort}` },
        trustAnchorPath,
        supervisorToken,
        apiTokens: [{ name: 'line-automation', role: 'operator', token: operatorToken }],
        products: [{ model: product, keyAlgorithm: 'ec-p256', hardwareTypeOid: '2.25.316439792148501594468024376345574696162.2.1', organization: 'Acme Devices' }],
        jigConfigPath: 'jigs.json',
        ...(opts.attempts ? { provisioningAttempts: opts.attempts } : {}),
        ...opts.stationSettings,
      }, null, 2),
      { mode: 0o600 },
    );
    say('station: starting');
    const launchStation = (env: NodeJS.ProcessEnv = {}) =>
      startProcess({
        name: 'station',
        command: process.execPath,
        // STATION_NODE_ARGS (e.g. "--cpu-prof") lets a developer profile the station under line load
        args: [...(process.env.STATION_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(DIST, 'src/station/main.js')],
        env: { ...hsmEnv, STATION_CONFIG: stationConfig, ...env },
        logFile: join(dir, 'logs', 'station.log'),
        readyPattern: /READY station (\S+)/,
      });
    let station = await launchStation();
    stopList.push(() => station.stop());
    await httpJson('POST', `${station.ready}/api/orders/${orderId}/open`, undefined, supervisorToken);
    const stationUrl = station.ready;
    say(`station: order ${orderId} open (Order CA key generated in the station HSM, certificate signed by central)`);

    return {
      stateDir: dir,
      stationUrl,
      hsm: { modulePath: central.modulePath, confPath: central.confPath, pin },
      centralUrl,
      centralTlsUrl: `https://127.0.0.1:${centralTlsPort}`,
      adminToken,
      supervisorToken,
      operatorToken,
      orderId,
      serials,
      redis,
      get central() {
        return centralProc;
      },
      async restartCentral() {
        await centralProc.stop().catch(() => undefined);
        centralProc = await launchCentral();
        return centralProc;
      },
      get station() {
        return station;
      },
      async restartStation(env: NodeJS.ProcessEnv = {}) {
        await station.stop('SIGKILL').catch(() => undefined);
        station = await launchStation(env);
        return station;
      },
      simulators,
      ptys,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Scan every jig and wait until each device is done, failed or refused. */
export async function provisionAll(line: RunningLine, jigCount: number, expected: number, timeoutMs = 120_000): Promise<SlotView[]> {
  for (let j = 1; j <= jigCount; j++) await httpJson('POST', `${line.stationUrl}/api/jigs/jig-${j}/scan`, undefined, line.operatorToken);
  return waitUntil(
    'every device to finish',
    async () => {
      const slots = await httpJson<SlotView[]>('GET', `${line.stationUrl}/api/jigs`, undefined, line.operatorToken);
      return slots.length >= expected && slots.every((s) => TERMINAL.has(s.phase)) ? slots : undefined;
    },
    timeoutMs,
    250,
  );
}
