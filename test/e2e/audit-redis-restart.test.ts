import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { provisionAll, startLine, type RunningLine } from '../../src/demo/line.js';
import { httpJson, startRedis, waitUntil, type RunningProcess } from '../../src/demo/processes.js';
import { chainRecord, type AuditRecord } from '../../src/audit/audit-record.js';

interface AuditState {
  head: { seq: number; hash: string };
  sync: { ackedSeq: number; unsynced: number };
}

const BACKLOG = 60_000;

/**
 * Issue 4, Redis restarted mid-sync: Redis only carries the sync's schedule, the backlog is the
 * station's database. Killed while a large backlog is being sent and started again empty, Redis
 * costs nothing: central ends with exactly the station's chain (counts compared exactly), and
 * records made after the restart still reach central (the schedule is written again).
 */
describe('e2e: audit sync survives Redis killed and restarted mid-sync', () => {
  let line: RunningLine;
  let redis: RunningProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-redis-'));
  const state = () => httpJson<AuditState>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
  const central = () => httpJson<{ lastSeq: number; lastHash: string; records: number; devices: number }>('GET', `${line.centralUrl}/api/audit/stations/line-1`, undefined, line.adminToken);
  const drained = (timeoutMs: number) =>
    waitUntil('the audit backlog to drain', async () => {
      const s = await state();
      return s.sync.unsynced === 0 ? s : undefined;
    }, timeoutMs, 100);

  before(async () => {
    line = await startLine({ stateDir: dir, devices: 4, jigs: 2, stationSettings: { auditSyncIntervalMs: 300 } });
    await provisionAll(line, 2, 4);
    await drained(30_000);
  });
  after(async () => {
    await redis?.stop().catch(() => undefined);
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok nothing lost, nothing twice, and sync goes on after Redis comes back empty', async () => {
    // a long shift's backlog while central was away: appended to the chain with the station stopped
    await line.central.stop();
    await line.station.stop('SIGKILL');
    const db = new Database(join(dir, 'station', 'station.db'));
    const last = db.prepare(`SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1`).get() as { seq: number; hash: string };
    const insert = db.prepare(`INSERT INTO audit_record (seq, prev_hash, hash, time, kind, actor, order_id, device_serial, fingerprint, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    db.transaction(() => {
      let head: AuditRecord | { seq: number; hash: string } = last;
      for (let i = 0; i < BACKLOG; i++) {
        const r = chainRecord(head, { time: new Date().toISOString(), kind: 'device-refused', actor: 'jig 1 slot 0', orderId: line.orderId, deviceSerial: null, fingerprint: null, outcome: 'refused', detail: `wrong model on the fixture (${i})` });
        insert.run(r.seq, r.prevHash, r.hash, r.time, r.kind, r.actor, r.orderId, r.deviceSerial, r.fingerprint, r.outcome, r.detail);
        head = r;
      }
    })();
    db.close();
    await line.restartStation();
    await line.restartCentral();

    // Redis dies while batches are on their way
    const mid = await waitUntil('the sync to be under way', async () => {
      const s = await state();
      return s.sync.ackedSeq > last.seq && s.sync.unsynced > BACKLOG / 4 ? s : undefined;
    }, 60_000, 20);
    const redisPort = JSON.parse(readFileSync(join(dir, 'station', 'station.json'), 'utf8')).redis.port as number;
    await line.redis.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    redis = await startRedis(join(dir, 'redis'), redisPort, join(dir, 'logs', 'redis-restarted.log'));

    const first = await drained(120_000);
    assert.ok(first.sync.ackedSeq > mid.sync.ackedSeq);

    // a record made after the restart: only a schedule written again into the empty Redis sends it
    const exported = await fetch(`${line.stationUrl}/api/audit/batch-files`, { method: 'POST', headers: { authorization: `Bearer ${line.supervisorToken}`, 'content-type': 'application/json' }, body: '{"fromSeq":1,"toSeq":1}' });
    assert.equal(exported.status, 200, 'the export is audited: one new record');
    const s = await waitUntil('the new record to reach central', async () => {
      const st = await state();
      return st.head.seq > first.head.seq && st.sync.unsynced === 0 ? st : undefined;
    }, 30_000, 200);

    const c = await central();
    assert.equal(c.lastSeq, s.head.seq);
    assert.equal(c.lastHash, s.head.hash);
    assert.equal(c.records, s.head.seq, 'central holds every record exactly once');
    assert.equal(c.devices, 4);
    assert.match(readFileSync(join(dir, 'logs', 'station.log'), 'utf8'), /Redis connection back: audit sync schedule written again/);
  });
});
