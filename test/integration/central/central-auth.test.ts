import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openCentralDatabase } from '../../../src/central/database/central-database.js';
import { CentralUserDirectory } from '../../../src/central/auth/central-user-directory.js';
import { CentralSessionService } from '../../../src/central/auth/central-session.service.js';
import { CentralUserEvents } from '../../../src/central/auth/central-user-events.js';
import { CentralAuthService } from '../../../src/central/auth/central-auth.service.js';
import { ConsoleLoginFailedError, ConsoleLoginThrottledError, ConsoleUserExistsError, ConsoleWeakPasswordError } from '../../../src/central/auth/central-auth.errors.js';
import { IngestRefusals } from '../../../src/central/audit-ingest/ingest-refusals.js';
import { ChainStatusReader } from '../../../src/central/ui/chain-status.reader.js';
import { ConsoleAnomaliesService } from '../../../src/central/ui/console-anomalies.service.js';
import { StationActivityReader } from '../../../src/central/ui/station-activity.reader.js';

const MINUTE = 60_000;

/** Console accounts, sessions, sign-in events and refused batches on a real central SQLite database. */
describe('central console auth (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'central-auth-'));
  let ds: DataSource;
  let users: CentralUserDirectory;
  let sessions: CentralSessionService;
  let events: CentralUserEvents;
  let auth: CentralAuthService;
  let clock = new Date('2026-01-01T08:00:00Z');

  before(async () => {
    ds = await openCentralDatabase({ databasePath: join(dir, 'central.db') }, {});
    users = new CentralUserDirectory(ds);
    sessions = new CentralSessionService(ds, { sessionIdleMinutes: 30, sessionMaxHours: 8 });
    sessions.now = () => clock;
    events = new CentralUserEvents(ds);
    auth = new CentralAuthService(users, sessions, events);
    await users.add('bella', 'brand-owner', 'brand-owner-pass', 'cli:test');
    await users.add('aldo', 'auditor', 'auditor-pass-1', 'cli:test');
  });
  after(async () => {
    await ds?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok passwords are stored as scrypt hashes, never as given', async () => {
    const [row] = await ds.query(`SELECT password_hash FROM central_user WHERE name = 'bella'`);
    assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$/);
    assert.ok(!row.password_hash.includes('brand-owner-pass'));
  });

  it('fail a duplicate name or a short password is refused and changes nothing', async () => {
    await assert.rejects(users.add('bella', 'auditor', 'another-password', 'cli:test'), ConsoleUserExistsError);
    await assert.rejects(users.add('carl', 'auditor', 'short', 'cli:test'), ConsoleWeakPasswordError);
    assert.deepEqual((await users.list()).map((u) => `${u.name}:${u.role}`), ['aldo:auditor', 'bella:brand-owner']);
  });

  it('ok a sign-in opens a session with the account\'s role and is recorded; the database holds only the token\'s hash', async () => {
    const s = await auth.login('bella', 'brand-owner-pass', '127.0.0.1');
    assert.deepEqual({ name: s.principal.name, role: s.principal.role }, { name: 'bella', role: 'brand-owner' });
    assert.equal((await sessions.resolve(s.token))?.role, 'brand-owner');
    const stored: Array<{ token_hash: string }> = await ds.query(`SELECT token_hash FROM central_session`);
    assert.ok(stored.every((r) => r.token_hash !== s.token && /^[0-9a-f]{64}$/.test(r.token_hash)));
    const [latest] = await events.latest(1);
    assert.deepEqual({ user: latest.userName, kind: latest.kind, outcome: latest.outcome, address: latest.address }, { user: 'bella', kind: 'login', outcome: 'ok', address: '127.0.0.1' });
  });

  it('ok a session ends after 30 idle minutes, at its absolute end, and at sign-out', async () => {
    const s = await auth.login('aldo', 'auditor-pass-1', '127.0.0.1');
    clock = new Date(clock.getTime() + 29 * MINUTE);
    assert.ok(await sessions.resolve(s.token), 'still alive after 29 min; the request keeps it alive');
    clock = new Date(clock.getTime() + 29 * MINUTE);
    assert.ok(await sessions.resolve(s.token));
    clock = new Date(clock.getTime() + 31 * MINUTE);
    assert.equal(await sessions.resolve(s.token), null, 'idle 31 min');

    const busy = await auth.login('aldo', 'auditor-pass-1', '127.0.0.1');
    for (let i = 0; i < 8 * 3; i++) {
      clock = new Date(clock.getTime() + 20 * MINUTE);
      if (i < 23) assert.ok(await sessions.resolve(busy.token), `used every 20 min: alive at ${(i + 1) * 20} min`);
    }
    assert.equal(await sessions.resolve(busy.token), null, 'ended 8 h after sign-in however busy');

    const third = await auth.login('aldo', 'auditor-pass-1', '127.0.0.1');
    await auth.logout({ name: 'aldo', role: 'auditor', via: 'session' }, third.token, '127.0.0.1');
    assert.equal(await sessions.resolve(third.token), null);
    assert.equal((await events.latest(1))[0].kind, 'logout');
  });

  it('fail a wrong password, an unknown user and a disabled account are refused the same way, each recorded with its reason', async () => {
    await assert.rejects(auth.login('bella', 'wrong password!', '10.0.0.9'), ConsoleLoginFailedError);
    await assert.rejects(auth.login('nobody', 'whatever-password', '10.0.0.9'), ConsoleLoginFailedError);
    const s = await auth.login('aldo', 'auditor-pass-1', '127.0.0.1');
    await users.setDisabled('aldo', true, 'cli:test');
    assert.equal(await sessions.resolve(s.token), null, 'disabling the account ended its session');
    await assert.rejects(auth.login('aldo', 'auditor-pass-1', '127.0.0.1'), ConsoleLoginFailedError);
    const failed = (await events.latest(20)).filter((e) => e.kind === 'login-failed').map((e) => `${e.userName}:${e.detail}`);
    assert.deepEqual(failed.slice(0, 3), ['aldo:account disabled', 'nobody:unknown user', 'bella:wrong password']);
    await users.setDisabled('aldo', false, 'cli:test');
  });

  it('fail the sixth failed sign-in within a minute waits, even with the right password', async () => {
    clock = new Date(clock.getTime() + 2 * MINUTE); // earlier failures are out of the window
    for (let i = 0; i < 5; i++) await assert.rejects(auth.login('aldo', `wrong-${i}-password`, '10.0.0.9'), ConsoleLoginFailedError);
    await assert.rejects(auth.login('aldo', 'auditor-pass-1', '10.0.0.9'), ConsoleLoginThrottledError);
    assert.equal((await events.latest(1))[0].detail, 'too many failed attempts');
  });

  it('ok a refused audit batch is kept once per refusal and is an open audit-gap anomaly until a receipt follows', async () => {
    const refusals = new IngestRefusals(ds);
    const chains = new ChainStatusReader(ds);
    const anomalies = new ConsoleAnomaliesService(ds, new StationActivityReader(ds));
    const msg = 'batch starts at record 12; central holds station line-9 up to 0: send from 1';
    await refusals.record('line-9', 'BATCH_GAP', msg, new Date('2026-01-02T00:00:00Z'));
    await refusals.record('line-9', 'BATCH_GAP', msg, new Date('2026-01-02T00:00:05Z'));
    const [gap] = (await anomalies.list()).filter((a) => a.stationId === 'line-9');
    assert.equal(gap.kind, 'audit-gap');
    assert.equal(gap.open, true);
    assert.match(gap.detail, /BATCH_GAP: .*\(2 attempts\)/);
    const status = await chains.status('line-9');
    assert.equal(status.state, 'refused');
    assert.equal(status.lastRefusal?.attempts, 2);
    // the station resends from record 1: a receipt after the refusal closes the anomaly
    await ds.query(`INSERT INTO audit_receipt (station_id, to_seq, head_hash, receipt, received_at) VALUES ('line-9', 1, ?, X'00', '2026-01-02T00:01:00.000Z')`, ['f'.repeat(64)]);
    await ds.query(`INSERT INTO station_audit_record (station_id, seq, hash, prev_hash, kind, record, received_at) VALUES ('line-9', 1, ?, ?, 'station-started', '{}', '2026-01-02T00:01:00.000Z')`, ['f'.repeat(64), '0'.repeat(64)]);
    assert.equal((await anomalies.list()).find((a) => a.stationId === 'line-9')?.open, false);
    assert.equal((await chains.status('line-9')).state, 'ok');
  });
});
