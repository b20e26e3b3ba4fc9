import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLine, provisionAll, type SlotView } from './line.js';
import { runFieldPhase, writeFieldTrust, installTrust } from './field-phase.js';
import { cmpOpenssl } from './field-clients.js';
import { addCentralUser, addStationUser } from './station-users.js';
import { generatePassword } from '../common/auth/password.js';

const USAGE = `usage: npm run demo -- [--devices N] [--jigs M] [--state-dir DIR] [--quota Q] [--exit] [--summary FILE]
  --devices N     devices to provision (default 24)
  --jigs M        simulated jigs, each a process on its own pseudo-terminal (default 4)
  --state-dir DIR where tokens, databases, logs and DIR/devices/<serial>/ go (default .state/demo)
  --quota Q       the production order's quota (default N)
  --exit          stop everything when the run is over; exit 0 only if every device was provisioned
  --summary FILE  write a JSON summary of the run`;

function parse() {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '24' },
      jigs: { type: 'string', default: '4' },
      'state-dir': { type: 'string', default: '.state/demo' },
      quota: { type: 'string' },
      exit: { type: 'boolean', default: false },
      summary: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  return {
    devices: int('devices', values.devices, 1, 10_000)!,
    jigs: int('jigs', values.jigs, 1, 128)!,
    quota: int('quota', values.quota, 1, 10_000_000),
    stateDir: values['state-dir']!,
    exit: values.exit!,
    summary: values.summary,
  };
}

function countBy(slots: SlotView[]) {
  const refused: Record<string, number> = {};
  const failed: Record<string, number> = {};
  for (const s of slots) {
    if (s.phase === 'refused') refused[s.code ?? '?'] = (refused[s.code ?? '?'] ?? 0) + 1;
    if (s.phase === 'failed') failed[s.code ?? '?'] = (failed[s.code ?? '?'] ?? 0) + 1;
  }
  const quota = refused.QUOTA_EXHAUSTED ?? 0;
  const policy = Object.entries(refused).reduce((n, [code, k]) => (code === 'QUOTA_EXHAUSTED' ? n : n + k), 0);
  return { refused, failed, quota, policy };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parse();
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const t0 = Date.now();
  const line = await startLine({ ...args, log: (l) => console.log(`demo: ${l}`) });
  const stopAndExit = async (code: number) => {
    await line.stop();
    return code;
  };
  process.once('SIGINT', () => void stopAndExit(130).then((c) => process.exit(c)));
  process.once('SIGTERM', () => void stopAndExit(143).then((c) => process.exit(c)));

  const tProvision = Date.now();
  const slots = await provisionAll(line, args.jigs, args.devices, Math.max(120_000, args.devices * 2_000));
  const provisionedMs = Date.now() - tProvision;
  const done = slots.filter((s) => s.phase === 'done');
  const withFiles = done.filter((s) => s.deviceSerial && existsSync(join(line.stateDir, 'devices', s.deviceSerial, 'birth.pem')));
  const { refused, failed, quota, policy } = countBy(slots);
  const status = (await (await fetch(`${line.stationUrl}/api/status`, { headers: { authorization: `Bearer ${line.operatorToken}` } })).json()) as {
    shift: { stationMsPerDevice: unknown };
    orders: Array<{ orderId: string; quota: number; issued: number; byStatus: Record<string, number> }>;
  };
  const order = status.orders.find((o) => o.orderId === line.orderId);
  const summary = {
    devices: args.devices,
    jigs: args.jigs,
    orderId: line.orderId,
    provisioned: done.length,
    readBack: withFiles.length,
    refused,
    failed,
    refusedQuota: quota,
    refusedPolicy: policy,
    spoiled: order?.byStatus.spoiled ?? 0,
    quota: order?.quota,
    issued: order?.issued,
    refusedTotal: quota + policy,
    failedTotal: Object.values(failed).reduce((a, b) => a + b, 0),
    timings: { setupMs: tProvision - t0, provisioningMs: provisionedMs, stationMsPerDevice: status.shift.stationMsPerDevice },
  };
  if (args.summary) writeFileSync(args.summary, JSON.stringify(summary, null, 2));
  for (const s of slots.filter((x) => x.phase !== 'done')) console.log(`demo: ${s.jigId} slot ${s.slot} ${s.deviceSerial ?? ''} ${s.phase}: ${s.message}`);
  console.log(
    `demo: ${done.length}/${args.devices} devices provisioned in ${(provisionedMs / 1000).toFixed(1)} s; ` +
      `refused (quota) ${quota}, refused (policy) ${policy}, failed ${summary.failedTotal}, spoiled ${summary.spoiled}; order ${summary.issued}/${summary.quota} issued`,
  );

  // the field phase: every provisioned device enrolls once with its birth certificate (system.md §7)
  const trust = await writeFieldTrust(line);
  const enrolling = done.map((s) => s.deviceSerial!).filter(Boolean);
  installTrust(line, enrolling, trust);
  const field = await runFieldPhase(line, enrolling, trust, (o) =>
    cmpOpenssl({ url: o.url, trust: o.trust, cmd: 'ir', cert: o.birth, key: o.birthKey, extraCerts: o.birthChain, newKey: o.newKey, subject: `/CN=${o.cn}`, out: o.out }));
  for (const f of field.failed) console.log(`demo: field enrollment of ${f.serial} over ${f.client} failed: ${f.output}`);
  console.log(`demo: field phase: ${field.enrolled}/${enrolling.length} devices enrolled in ${(field.ms / 1000).toFixed(1)} s (${Object.entries(field.byClient).map(([k, v]) => `${k} ${v}`).join(', ')}); operational.pem in each device folder`);
  if (args.summary) writeFileSync(args.summary, JSON.stringify({ ...summary, field: { enrolled: field.enrolled, byClient: field.byClient, failed: field.failed.length, ms: field.ms } }, null, 2));

  const endpoints = {
    station: line.stationUrl,
    central: line.centralUrl,
    stationUi: `${line.stationUrl}/`,
    centralUi: `${line.centralUrl}/`,
    est: `${line.centralTlsUrl}/.well-known/est`,
    cmp: `${line.centralUrl}/.well-known/cmp`,
    ocsp: `${line.centralUrl}/ocsp`,
    crl: `${line.centralUrl}/crl/operational-ca.crl`,
    trustAnchors: { brandRoot: trust.brandRoot, tlsServer: trust.brandRoot },
    devices: join(line.stateDir, 'devices'),
    logs: join(line.stateDir, 'logs'),
  };
  writeFileSync(join(line.stateDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2));
  // With --quota below the device count, success is: the quota used exactly, the rest refused for quota.
  const expected = Math.min(args.devices, args.quota ?? args.devices);
  const allGood = done.length === expected && withFiles.length === expected && done.length + quota === args.devices && field.enrolled === enrolling.length;
  if (args.exit) return stopAndExit(allGood ? 0 : 1);
  const password = generatePassword();
  await addStationUser(line.stateDir, 'demo', 'supervisor', password);
  const ownerPassword = generatePassword();
  await addCentralUser(line.stateDir, 'owner', 'brand-owner', ownerPassword);
  console.log(`demo: station UI at ${line.stationUrl}/ (endpoints in ${join(line.stateDir, 'endpoints.json')}); Ctrl-C stops everything`);
  console.log(`demo: sign in as "demo" (supervisor) with password ${password}`);
  console.log(`demo: brand owner's console at ${line.centralUrl}/ — sign in as "owner" with password ${ownerPassword}`);
  return new Promise<number>(() => undefined);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
