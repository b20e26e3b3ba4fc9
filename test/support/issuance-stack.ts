import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync, sign } from 'node:crypto';
import { ensureSoftHsmToken } from '../../src/hsm/softhsm-token.js';
import { Pkcs11Hsm } from '../../src/hsm/pkcs11-hsm.adapter.js';
import { selfSignedRoot, issueSubordinate } from '../../src/pki/ca-certificates.js';
import { encodeName } from '../../src/pki/name.js';
import { buildSignedCsr } from '../../src/pki/csr.js';
import { toPem } from '../../src/pki/pem.js';
import { openStationDatabase } from '../../src/station/database/data-source.js';
import { StationOrderEntity } from '../../src/station/database/entities.js';
import { OrderRegistry } from '../../src/station/orders/order-registry.js';
import { AuditLog } from '../../src/station/audit/audit-log.js';
import { AlarmService } from '../../src/station/quota/alarm.service.js';
import { QuotaGuard } from '../../src/station/quota/quota-guard.js';
import { OrderLifecycle } from '../../src/station/orders/order-lifecycle.js';
import { GroupCommitWriter } from '../../src/station/database/group-commit.js';
import { IssuanceService } from '../../src/station/issuance/issuance.service.js';
import { StationConfig } from '../../src/config/station-config.js';
import type { Signer } from '../../src/pki/signer.js';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function softSigner(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { algorithm: 'ec-p256', spki: publicKey.export({ format: 'der', type: 'spki' }), sign: (d) => sign('sha256', d, privateKey) };
}

export interface StackOptions {
  serialFirst?: string;
  serialLast?: string;
  notAfter?: Date;
  hsmCounterBlock?: number;
}

const PIN = '1234';

/**
 * The station's issuance services on real SoftHSM2 + SQLite, wired as the station module wires
 * them, including its start-up checks. `issuanceStack` creates a folder with one open order;
 * `reopen` starts again on the same folder (after `shutdown(clean)` or a simulated crash).
 */
async function openOn(dir: string, opts: StackOptions) {
  const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'bench', pin: PIN, soPin: '5678' });
  const hsm = Pkcs11Hsm.open({ modulePath: token.modulePath, tokenLabel: 'bench', pin: PIN });
  const ds = await openStationDatabase(join(dir, 'station.db'));
  const config = Object.assign(new StationConfig(), {
    stationId: 'bench',
    hsmCounterBlock: opts.hsmCounterBlock ?? 64,
    products: [{ model: 'thermo-1', keyAlgorithm: 'ec-p256', hardwareTypeOid: '1.3.6.1.4.1.99999.1' }],
  });
  const registry = new OrderRegistry(ds, hsm, config);
  const writer = await GroupCommitWriter.open(join(dir, 'station.db'));
  const events = new AuditLog(ds, writer);
  const alarms = new AlarmService(ds, events);
  await alarms.load();
  const guard = new QuotaGuard(ds, hsm, config, alarms);
  const lifecycle = new OrderLifecycle(ds, registry, events, hsm);
  const issuance = new IssuanceService(ds, registry, writer, guard, lifecycle, events);
  let closed = false;
  const stack = {
    dir, hsm, ds, issuance, registry, guard, alarms, lifecycle, events,
    /** the station module's start-up sequence */
    async startup() {
      await issuance.voidInterruptedReservations();
      await lifecycle.finishInterruptedCloses();
      await guard.checkAtStartup(await ds.getRepository(StationOrderEntity).findBy({ status: 'open' }));
      await registry.load();
    },
    /** stop; `clean` as at a normal shutdown (exact counts to the HSM), else as after a crash */
    async shutdown(clean = true) {
      if (closed) return;
      closed = true;
      await issuance.onModuleDestroy();
      if (clean) guard.markClean();
      await ds.destroy();
      hsm.close();
    },
    async close() {
      await stack.shutdown(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

export type IssuanceStack = Awaited<ReturnType<typeof openOn>>;

export async function issuanceStack(quota: number, opts: StackOptions = {}): Promise<IssuanceStack> {
  const dir = mkdtempSync(join(tmpdir(), 'stack-'));
  const stack = await openOn(dir, opts);
  const now = new Date();
  const root = selfSignedRoot({ commonName: 'Bench Root' }, softSigner(), { notBefore: now, notAfter: new Date(now.getTime() + 1e10) });
  const key = stack.hsm.generateKeyPair('order-ca:BENCH', 'ec-p256');
  const orderCa = issueSubordinate(root, {
    subject: encodeName({ commonName: 'Order CA BENCH' }),
    spki: key.spki,
    validity: { notBefore: new Date(now.getTime() - 1000), notAfter: new Date(now.getTime() + 1e10) },
    pathLen: 0,
  });
  stack.guard.initOrder('BENCH', quota);
  const row = await stack.ds.getRepository(StationOrderEntity).save({
    orderId: 'BENCH', productModel: 'thermo-1', quota, issued: 0, serialFirst: opts.serialFirst ?? 'SN0000000', serialLast: opts.serialLast ?? 'SN9999999',
    notBefore: new Date(now.getTime() - 1000).toISOString(), notAfter: (opts.notAfter ?? new Date(now.getTime() + 1e10)).toISOString(),
    status: 'open', caKeyLabel: 'order-ca:BENCH', caCertificate: orderCa, upperChain: Buffer.from(toPem(root.certificate)), createdAt: now.toISOString(),
    closedReason: null,
  });
  stack.registry.activate(row);
  return stack;
}

export async function reopen(dir: string, opts: StackOptions = {}): Promise<IssuanceStack> {
  const stack = await openOn(dir, opts);
  await stack.startup();
  return stack;
}

/** Device CSRs made up front (device work, not the station's). */
export function deviceCsrs(n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) out.push(buildSignedCsr(softSigner(), encodeName({ serialNumber: serial(i) })));
  return out;
}

export const serial = (i: number): string => `SN${String(i).padStart(7, '0')}`;
