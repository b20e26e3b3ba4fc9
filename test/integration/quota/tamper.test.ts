import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildSignedCsr, verifyCsr } from '../../../src/pki/csr.js';
import { encodeName } from '../../../src/pki/name.js';
import { IssuanceLockedError, TamperDetectedError } from '../../../src/station/quota/quota.errors.js';
import { issuanceStack, reopen, serial, softSigner, type IssuanceStack } from '../../support/issuance-stack.js';

const csr = () => verifyCsr(buildSignedCsr(softSigner(), encodeName({ commonName: 'd' })), ['ec-p256']);
const issueN = async (s: IssuanceStack, from: number, n: number) => {
  for (let i = from; i < from + n; i++) await s.issuance.issue({ deviceSerial: serial(i), productModel: 'thermo-1', csr: csr() });
};
/** an offline copy of the database, as a backup tool would take it */
const backup = (s: IssuanceStack, to: string) => new Database(join(s.dir, 'station.db'), { readonly: true }).backup(to);
const restore = (s: IssuanceStack, from: string) => {
  for (const ext of ['', '-wal', '-shm']) if (existsSync(join(s.dir, `station.db${ext}`))) rmSync(join(s.dir, `station.db${ext}`));
  copyFileSync(from, join(s.dir, 'station.db'));
};
const kinds = (s: IssuanceStack) => s.alarms.open.map((a) => a.kind);

describe('quota tamper detection (SoftHSM2 counter vs SQLite)', () => {
  it('ok a clean restart with untouched records raises nothing and issues on', async () => {
    const s1 = await issuanceStack(100, { hsmCounterBlock: 8 });
    await issueN(s1, 0, 5);
    await s1.shutdown(true);
    const s2 = await reopen(s1.dir, { hsmCounterBlock: 8 });
    assert.deepEqual(kinds(s2), []);
    await issueN(s2, 5, 3);
    await s2.close();
  });

  it('ok a restart after a crash (no clean shutdown) within one counter block raises nothing', async () => {
    const s1 = await issuanceStack(100, { hsmCounterBlock: 8 });
    await issueN(s1, 0, 5);
    await s1.shutdown(false);
    const s2 = await reopen(s1.dir, { hsmCounterBlock: 8 });
    assert.deepEqual(kinds(s2), []);
    await s2.close();
  });

  it('fail a database restored from an older copy locks issuance with an alarm', async () => {
    const s1 = await issuanceStack(100, { hsmCounterBlock: 64 });
    await issueN(s1, 0, 3);
    await backup(s1, join(s1.dir, 'old.db'));
    await issueN(s1, 3, 2); // two more signatures after the backup
    await s1.shutdown(true);
    restore(s1, join(s1.dir, 'old.db'));
    const s2 = await reopen(s1.dir, { hsmCounterBlock: 64 });
    assert.deepEqual(kinds(s2), ['database-behind-hsm']);
    assert.match(s2.alarms.open[0].detail, /counts 3 issued, the HSM counted exactly 5/);
    await assert.rejects(issueN(s2, 10, 1), IssuanceLockedError);
    await s2.close();
  });

  it('fail a counter row edited by hand is detected at start-up and while running', async () => {
    const s1 = await issuanceStack(100, { hsmCounterBlock: 8 });
    await issueN(s1, 0, 4);
    // while running: the next reservation's count does not follow
    await s1.ds.query(`UPDATE station_order SET issued = issued - 2`);
    await assert.rejects(issueN(s1, 4, 1), TamperDetectedError);
    assert.deepEqual(kinds(s1), ['count-sequence-broken']);
    await assert.rejects(issueN(s1, 5, 1), IssuanceLockedError);
    await s1.shutdown(false);
    // at start-up: rows and counter disagree
    const s2 = await reopen(s1.dir, { hsmCounterBlock: 8 });
    assert.ok(kinds(s2).includes('counter-edited'));
    await s2.close();
  });

  it('fail a swapped token (no counter for the order) locks issuance', async () => {
    const s1 = await issuanceStack(100);
    await issueN(s1, 0, 2);
    await s1.shutdown(true);
    const { Pkcs11Hsm } = await import('../../../src/hsm/pkcs11-hsm.adapter.js');
    const { ensureSoftHsmToken } = await import('../../../src/hsm/softhsm-token.js');
    const token = await ensureSoftHsmToken({ dir: join(s1.dir, 'hsm'), tokenLabel: 'bench', pin: '1234', soPin: '5678' });
    const raw = Pkcs11Hsm.open({ modulePath: token.modulePath, tokenLabel: 'bench', pin: '1234' });
    // a counter can only be overwritten through the port: zero it as an emptied token would read
    raw.writeCounter('quota-hwm:BENCH', 0n);
    raw.close();
    const s2 = await reopen(s1.dir);
    assert.deepEqual(kinds(s2), ['hsm-behind-database']);
    await s2.close();
  });

  it('ok a supervisor clears the alarm: counts move up to the HSM mark, issuance resumes, all recorded', async () => {
    const s1 = await issuanceStack(100, { hsmCounterBlock: 64 });
    await issueN(s1, 0, 3);
    await backup(s1, join(s1.dir, 'old.db'));
    await issueN(s1, 3, 2);
    await s1.shutdown(true);
    restore(s1, join(s1.dir, 'old.db'));
    const s2 = await reopen(s1.dir, { hsmCounterBlock: 64 });
    const [alarm] = s2.alarms.open;
    await s2.alarms.clear(alarm.id, 'Dana (supervisor)', 'restored after disk failure; reviewed');
    const reconciled = await s2.guard.reconcile('BENCH');
    assert.deepEqual(reconciled, { before: 3, after: 5 }, 'the two signatures made after the backup stay counted');
    await issueN(s2, 10, 1);
    const [{ issued }] = await s2.ds.query(`SELECT issued FROM station_order`);
    assert.equal(issued, 6);
    const events = (await s2.events.list()).map((e) => `${e.kind}:${e.actor}`);
    assert.ok(events.includes('alarm-raised:station'));
    assert.ok(events.includes('alarm-cleared:Dana (supervisor)'));
    await s2.shutdown(true);
    const s3 = await reopen(s1.dir, { hsmCounterBlock: 64 });
    assert.deepEqual(kinds(s3), [], 'reconciled counts pass the next start-up check');
    await s3.close();
  });
});
