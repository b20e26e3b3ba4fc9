import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import { openStationDatabase } from '../../../src/station/database/data-source.js';
import { GroupCommitWriter } from '../../../src/station/database/group-commit.js';
import { AuditLog } from '../../../src/station/audit/audit-log.js';
import { UserDirectory } from '../../../src/station/auth/user-directory.js';
import { SessionService } from '../../../src/station/auth/session.service.js';
import { AccountAudit } from '../../../src/station/auth/account-audit.js';
import { AuthService } from '../../../src/station/auth/auth.service.js';
import { StationConfig } from '../../../src/config/station-config.js';
import { verifyAuditChain } from '../../../src/audit/verify-chain.js';

const CLI = fileURLToPath(new URL('../../../src/station/auth/user.cli.js', import.meta.url));
const HOUR = 3600_000;
const from = { address: '127.0.0.1' };

describe('station sign-in on a real station database: accounts, sessions, audit records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-'));
  const dbPath = join(dir, 'station.db');
  let ds: DataSource;
  let writer: GroupCommitWriter;
  let audit: AuditLog;
  let users: UserDirectory;
  let sessions: SessionService;
  let accounts: AccountAudit;
  let auth: AuthService;
  let now = Date.parse('2026-03-02T06:00:00Z');
  const config = Object.assign(new StationConfig(), { sessionIdleMinutes: 30, sessionMaxHours: 8 });
  const records = async () => (await audit.list()).reverse();

  before(async () => {
    ds = await openStationDatabase(dbPath);
    writer = await GroupCommitWriter.open(dbPath);
    audit = new AuditLog(ds, writer);
    users = new UserDirectory(ds);
    sessions = new SessionService(ds, config);
    sessions.now = () => new Date(now);
    accounts = new AccountAudit(ds, audit, writer);
    auth = new AuthService(users, sessions, audit, accounts);
    await users.add('dana', 'supervisor', 'dana-password-1', 'test');
    await users.add('olga', 'operator', 'olga-password-1', 'test');
  });
  after(async () => {
    await writer.close();
    await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok a user signs in: a session with her role, and the audit chain records the accounts and the login', async () => {
    const s = await auth.login('dana', 'dana-password-1', from);
    assert.deepEqual(s.principal, { name: 'dana', role: 'supervisor', via: 'session', expiresAt: new Date(now + 8 * HOUR).toISOString() });
    assert.deepEqual(await sessions.resolve(s.token), s.principal);
    const r = await records();
    assert.deepEqual(r.map((x) => [x.kind, x.actor]), [['user-changed', 'test'], ['user-changed', 'test'], ['login', 'dana']]);
    assert.match(r[0].detail, /user dana added with role supervisor/);
    assert.equal(verifyAuditChain(r).ok, true);
    // the database holds a hash of the session token, never the token
    const [row] = await ds.query(`SELECT token_hash FROM station_session`);
    assert.notEqual(row.token_hash, s.token);
  });

  it('fail a wrong password and an unknown name are refused alike, recorded, and make no session', async () => {
    const before = (await ds.query(`SELECT COUNT(*) AS n FROM station_session`))[0].n;
    for (const [name, pw, why] of [['olga', 'not-her-password', 'wrong password'], ['mallory', 'whatever-it-is', 'unknown user']]) {
      await assert.rejects(auth.login(name, pw, from), (e: Error & { code?: string }) => e.code === 'LOGIN_FAILED' && e.message === 'wrong user name or password');
      const last = (await audit.list(1))[0];
      assert.deepEqual([last.kind, last.actor, last.outcome], ['login-failed', name, 'refused']);
      assert.match(last.detail, new RegExp(why));
    }
    assert.equal((await ds.query(`SELECT COUNT(*) AS n FROM station_session`))[0].n, before);
  });

  it('ok a session ends after the idle time without requests, and at the latest after sessionMaxHours', async () => {
    const idle = await auth.login('olga', 'olga-password-1', from);
    now += 29 * 60_000;
    assert.ok(await sessions.resolve(idle.token), 'used within 30 minutes: still valid');
    now += 29 * 60_000;
    assert.ok(await sessions.resolve(idle.token), 'the last request moved the idle deadline');
    now += 31 * 60_000;
    assert.equal(await sessions.resolve(idle.token), null);

    const busy = await auth.login('olga', 'olga-password-1', from);
    for (let t = 0; t < 8 * 6 - 1; t++) {
      now += 10 * 60_000;
      assert.ok(await sessions.resolve(busy.token), `after ${(t + 1) * 10} minutes`);
    }
    now += 10 * 60_000;
    assert.equal(await sessions.resolve(busy.token), null, 'eight hours after sign-in');
  });

  it('ok logout ends the session and is recorded', async () => {
    const s = await auth.login('dana', 'dana-password-1', from);
    await auth.logout(s.principal, s.token);
    assert.equal(await sessions.resolve(s.token), null);
    const last = (await audit.list(1))[0];
    assert.deepEqual([last.kind, last.actor], ['logout', 'dana']);
  });

  it('ok disabling an account or changing its password ends its sessions', async () => {
    await users.add('temp', 'operator', 'temp-password-1', 'test');
    const s = await auth.login('temp', 'temp-password-1', from);
    await users.setPassword('temp', 'temp-password-2', 'test');
    assert.equal(await sessions.resolve(s.token), null);
    const s2 = await auth.login('temp', 'temp-password-2', from);
    await users.setDisabled('temp', true, 'test');
    assert.equal(await sessions.resolve(s2.token), null);
    await assert.rejects(auth.login('temp', 'temp-password-2', from), /wrong user name or password/);
    assert.match((await audit.list(1))[0].detail, /account disabled/);
  });

  it('fail after five wrong passwords even the right one waits, and that is recorded', async () => {
    await users.add('pat', 'operator', 'pat-password-1', 'test');
    for (let i = 0; i < 5; i++) await assert.rejects(auth.login('pat', `guess-${i}-guess`, from), /wrong user name or password/);
    await assert.rejects(auth.login('pat', 'pat-password-1', from), (e: Error & { code?: string }) => e.code === 'LOGIN_THROTTLED');
    assert.match((await audit.list(1))[0].detail, /too many failed attempts/);
    now += 61_000;
    assert.equal((await auth.login('pat', 'pat-password-1', from)).principal.name, 'pat');
  });

  it('fail bad account input is refused and changes nothing', async () => {
    const count = (await users.list()).length;
    await assert.rejects(users.add('dana', 'operator', 'another-password', 'test'), (e: Error & { code?: string }) => e.code === 'USER_EXISTS');
    await assert.rejects(users.add('Bad Name', 'operator', 'another-password', 'test'), (e: Error & { code?: string }) => e.code === 'INVALID_INPUT');
    await assert.rejects(users.add('shorty', 'operator', 'short', 'test'), (e: Error & { code?: string }) => e.code === 'WEAK_PASSWORD');
    await assert.rejects(users.add('boss', 'admin' as never, 'long-enough-password', 'test'), (e: Error & { code?: string }) => e.code === 'INVALID_INPUT');
    await assert.rejects(users.setPassword('nobody', 'long-enough-password', 'test'), (e: Error & { code?: string }) => e.code === 'USER_NOT_FOUND');
    assert.equal((await users.list()).length, count);
  });

  it('ok accounts added with the CLI enter the audit chain exactly once, even when two sign-ins race', async () => {
    const configPath = join(dir, 'station.json');
    writeFileSync(configPath, JSON.stringify({
      stationId: 'auth-test', databasePath: dbPath, http: { port: 0 }, redis: { port: 1 },
      hsm: { modulePath: '/none', tokenLabel: 'x', pin: 'x' }, central: { url: 'http://127.0.0.1:1', apiToken: 'x' },
      trustAnchorPath: '/none', products: [{ model: 'm', hardwareTypeOid: '1.2.3' }],
    }));
    const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, STATION_CONFIG: configPath } });
    const added = cli('add', 'kim', '--role', 'supervisor');
    assert.equal(added.status, 0, added.stderr);
    const password = /password \(shown once[^:]*\): (\S+)/.exec(added.stdout)?.[1];
    assert.ok(password && password.length === 20, added.stdout);
    assert.equal(cli('add', 'kim', '--role', 'operator').status, 1, 'a duplicate is refused');
    assert.equal(cli('add', 'lee', '--role', 'admin').status, 2, 'an unknown role is a usage error');
    assert.match(cli('list').stdout, /kim\tsupervisor/);

    await Promise.all([auth.login('kim', password, from), auth.login('kim', password, from)]);
    const r = await records();
    assert.equal(r.filter((x) => x.kind === 'user-changed' && /user kim added/.test(x.detail)).length, 1);
    assert.equal(r.filter((x) => x.kind === 'user-changed' && x.actor.startsWith('cli:')).length, 1);
    assert.equal(verifyAuditChain(r).ok, true);
  });
});
