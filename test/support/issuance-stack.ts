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

/** A station issuance stack on real SoftHSM2 + SQLite, with one open order of `quota`. */
export async function issuanceStack(quota: number, opts: { serialFirst?: string; serialLast?: string; notAfter?: Date } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'bench', pin: '1234', soPin: '5678' });
  const hsm = Pkcs11Hsm.open({ modulePath: token.modulePath, tokenLabel: 'bench', pin: '1234' });
  const ds = await openStationDatabase(join(dir, 'station.db'));
  const config = Object.assign(new StationConfig(), {
    stationId: 'bench',
    products: [{ model: 'thermo-1', keyAlgorithm: 'ec-p256', hardwareTypeOid: '1.3.6.1.4.1.99999.1' }],
  });
  const now = new Date();
  const root = selfSignedRoot({ commonName: 'Bench Root' }, softSigner(), { notBefore: now, notAfter: new Date(now.getTime() + 1e10) });
  const key = hsm.generateKeyPair('order-ca:BENCH', 'ec-p256');
  const orderCa = issueSubordinate(root, {
    subject: encodeName({ commonName: 'Order CA BENCH' }),
    spki: key.spki,
    validity: { notBefore: new Date(now.getTime() - 1000), notAfter: new Date(now.getTime() + 1e10) },
    pathLen: 0,
  });
  const row = await ds.getRepository(StationOrderEntity).save({
    orderId: 'BENCH', productModel: 'thermo-1', quota, issued: 0, serialFirst: opts.serialFirst ?? 'SN0000000', serialLast: opts.serialLast ?? 'SN9999999',
    notBefore: new Date(now.getTime() - 1000).toISOString(), notAfter: (opts.notAfter ?? new Date(now.getTime() + 1e10)).toISOString(),
    status: 'open', caKeyLabel: 'order-ca:BENCH', caCertificate: orderCa, upperChain: Buffer.from(toPem(root.certificate)), createdAt: now.toISOString(),
  });
  const registry = new OrderRegistry(ds, hsm, config);
  registry.activate(row);
  const issuance = new IssuanceService(ds, registry, await GroupCommitWriter.open(join(dir, 'station.db')));
  return {
    dir, hsm, ds, issuance, registry,
    async close() {
      await issuance.onModuleDestroy();
      await ds.destroy();
      hsm.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Device CSRs made up front (device work, not the station's). */
export function deviceCsrs(n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const dev = softSigner();
    out.push(buildSignedCsr(dev, encodeName({ serialNumber: serial(i) })));
  }
  return out;
}

export const serial = (i: number): string => `SN${String(i).padStart(7, '0')}`;
