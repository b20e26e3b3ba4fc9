/**
 * bench/enroll-authority: the enrollment authority alone, in process (no TLS, no HTTP): greenfield
 * policy, operational certificate built and signed by the Operational CA in SoftHSM2, durable
 * record on SQLite. What central's CPU per enrollment is made of, without the protocols.
 * `--via cmp` sends whole CMP ir messages through the CMP service instead (decode, protection
 * and proof-of-possession checks, signed response), still without HTTP.
 *   node dist/bench/enroll-authority.js [--devices 1000] [--concurrency 8] [--via authority|cmp]
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { ensureSoftHsmToken } from '../src/hsm/softhsm-token.js';
import { validateConfig } from '../src/config/validate-config.js';
import { CentralConfig } from '../src/config/central-config.js';
import { createHttpApp } from '../src/common/http-app.js';
import { CentralModule } from '../src/central/central.module.js';
import { CentralPkiService } from '../src/central/ca/central-pki.service.js';
import { OrdersService } from '../src/central/orders/orders.service.js';
import { EnrollmentAuthorityService } from '../src/central/enrollment/enrollment-authority.service.js';
import { fieldOrder } from '../test/support/field-devices.js';
import { softwareSigner } from '../test/support/software-signer.js';
import { randomBytes } from 'node:crypto';
import { CmpService } from '../src/central/enrollment/cmp/cmp.service.js';
import { buildCertReqMessages, buildClientMessage } from '../src/pki/cmp/cmp-request-builder.js';
import { decodePkiMessage } from '../src/pki/cmp/pki-message.js';
import { OID } from '../src/pki/oids.js';
import { nullValue } from '../src/pki/der/der-writer.js';

const { values } = parseArgs({ options: { devices: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '8' }, via: { type: 'string', default: 'authority' } } });
const viaCmp = values.via === 'cmp';
const devices = Number(values.devices);
const concurrency = Number(values.concurrency);
const dir = mkdtempSync(join(tmpdir(), 'bench-authority-'));
try {
  const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'central', pin: '1234', soPin: '5678' });
  const config = validateConfig(CentralConfig, {
    databasePath: join(dir, 'central.db'),
    http: { port: 0 },
    hsm: { modulePath: token.modulePath, tokenLabel: 'central', pin: '1234' },
    brand: { organization: 'Acme', rootCommonName: 'Acme Root' },
    adminToken: 'admin',
    enrollment: { publicUrl: 'http://127.0.0.1:9999' },
  });
  const app = await createHttpApp(CentralModule.forConfig(config));
  await app.init();
  try {
    const ds = app.get(DataSource);
    const authority = app.get(EnrollmentAuthorityService);
    const order = await fieldOrder(ds, app.get(CentralPkiService), app.get(OrdersService), { orderId: 'PO-B', quota: devices + 100, serialFirst: 'SN000000', serialLast: 'SN999999' });
    process.stdout.write(`making ${devices} audited devices (not timed)...\n`);
    const work: Array<{ requester: { certificate: Buffer; extraCertificates: Buffer[] }; spki: Buffer; cmp: Buffer | null }> = [];
    for (let i = 0; i < devices + 50; i++) {
      const d = await order.device(`SN${String(i).padStart(6, '0')}`);
      const newKey = softwareSigner();
      // an ir protected with the birth key, asking for implicit confirm (RFC 9483 §4.1.1)
      const cmp = viaCmp
        ? buildClientMessage(
          { signer: d.key, certificate: d.birth, chain: [order.orderCaCertificate] },
          { bodyType: 'ir', transactionId: randomBytes(16), body: buildCertReqMessages({ spki: Buffer.from(newKey.spki), popSigner: newKey }), generalInfo: [{ type: OID.itImplicitConfirm, value: nullValue() }] },
        )
        : null;
      work.push({ requester: { certificate: d.birth, extraCertificates: [] }, spki: Buffer.from(newKey.spki), cmp });
    }
    const cmpService = app.get(CmpService);
    const enroll = async (w: (typeof work)[number]): Promise<{ status: string }> => {
      if (!w.cmp) return authority.enroll({ protocol: 'est', operation: 'enroll', requester: w.requester, spki: w.spki });
      const answer = await cmpService.handle(w.cmp);
      return { status: decodePkiMessage(answer.body).bodyType === 'ip' ? 'issued' : 'refused' };
    };
    for (const w of work.splice(0, 50)) await enroll(w); // warm-up
    let next = 0;
    let issued = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < work.length) {
        const out = await enroll(work[next++]);
        if (out.status === 'issued') issued++;
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(`${viaCmp ? 'CMP ir through the CMP service' : 'enrollment authority'} in process: ${issued}/${work.length} issued, ${(issued / seconds).toFixed(0)}/s wall, ${(issued / cpuSeconds).toFixed(0)} per CPU-second (${((cpuSeconds * 1000) / issued).toFixed(2)} ms CPU each)`);
  } finally {
    await app.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
