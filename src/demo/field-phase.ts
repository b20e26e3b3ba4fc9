import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningLine } from './line.js';
import { httpJson, waitUntil } from './processes.js';
import { deviceFiles, estEnrollCurl, estEnrollStrongswan, newKeyAndCsr, type ClientResult } from './field-clients.js';

export interface FieldTrust {
  /** the brand root: trust anchor for central's TLS certificate and for every chain */
  brandRoot: string;
}

export interface FieldResult {
  enrolled: number;
  byClient: Record<string, number>;
  failed: Array<{ serial: string; client: string; output: string }>;
  ms: number;
}

type Client = 'est-curl' | 'est-strongswan' | 'cmp-openssl';

/** Which client a device uses: half EST (curl and strongSwan in turn), half CMP (issue: demo field phase). */
export function clientFor(index: number, cmpAvailable: boolean): Client {
  if (cmpAvailable && index % 2 === 1) return 'cmp-openssl';
  return Math.floor(index / 2) % 2 === 0 ? 'est-curl' : 'est-strongswan';
}

/** The files a field client needs, written under DIR/field/ (listed in endpoints.json). */
export async function writeFieldTrust(line: RunningLine): Promise<FieldTrust> {
  const dir = join(line.stateDir, 'field');
  mkdirSync(dir, { recursive: true });
  const { pem } = await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/pki/root`);
  const brandRoot = join(dir, 'brand-root.pem');
  writeFileSync(brandRoot, pem);
  return { brandRoot };
}

export type CmpEnroll = (opts: { url: string; trust: string; birth: string; birthKey: string; birthChain: string; newKey: string; cn: string; out: string; dir: string }) => Promise<ClientResult>;

/**
 * The field phase of the demo: once the station's audit batches reached central, every
 * provisioned device enrolls once with its birth certificate and keeps operational.pem (and its
 * new key operational.key) in DIR/devices/<serial>/.
 */
export async function runFieldPhase(line: RunningLine, serials: string[], trust: FieldTrust, cmp?: CmpEnroll, concurrency = 4): Promise<FieldResult> {
  const t0 = Date.now();
  await waitUntil('the station audit backlog to reach central', async () => {
    const s = await httpJson<{ sync: { unsynced: number; ackedSeq: number } }>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
    return s.sync.unsynced === 0 && s.sync.ackedSeq > 0 ? true : undefined;
  }, 120_000, 250);
  const result: FieldResult = { enrolled: 0, byClient: {}, failed: [], ms: 0 };
  let next = 0;
  const worker = async () => {
    while (next < serials.length) {
      const index = next++;
      const serial = serials[index];
      const f = deviceFiles(line.stateDir, serial);
      const client = clientFor(index, Boolean(cmp));
      const out = join(f.dir, 'operational.pem');
      let res: ClientResult;
      try {
        const csr = await newKeyAndCsr(f.dir, 'operational', serial);
        if (client === 'cmp-openssl') {
          res = await cmp!({ url: line.centralUrl, trust: trust.brandRoot, birth: f.birth, birthKey: f.key, birthChain: f.chain, newKey: csr.key, cn: serial, out, dir: f.dir });
        } else if (client === 'est-curl') {
          res = await estEnrollCurl({ url: line.centralTlsUrl, tlsTrust: trust.brandRoot, clientCert: f.birth, clientKey: f.key, csrDer: csr.csrDer, out });
        } else {
          res = await estEnrollStrongswan({ url: line.centralTlsUrl, tlsTrust: trust.brandRoot, clientCert: f.birth, clientKey: f.key, csrPem: csr.csrPem, out });
        }
      } catch (err) {
        res = { ok: false, output: (err as Error).message };
      }
      if (res.ok) {
        result.enrolled++;
        result.byClient[client] = (result.byClient[client] ?? 0) + 1;
      } else {
        result.failed.push({ serial, client, output: res.output.slice(0, 500) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, serials.length) }, worker));
  result.ms = Date.now() - t0;
  return result;
}

/** Keep a copy of the trust anchor beside each device's files, as a device would hold it. */
export function installTrust(line: RunningLine, serials: string[], trust: FieldTrust): void {
  for (const s of serials) copyFileSync(trust.brandRoot, join(deviceFiles(line.stateDir, s).dir, 'brand-root.pem'));
}
