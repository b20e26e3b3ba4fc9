import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildSignedCsr, verifyCsr } from '../../../src/pki/csr.js';
import { encodeName } from '../../../src/pki/name.js';
import { issuanceStack, serial, softSigner } from '../../support/issuance-stack.js';

const CLI = fileURLToPath(new URL('../../../src/audit/cli.js', import.meta.url));
const audit = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const csr = () => verifyCsr(buildSignedCsr(softSigner(), encodeName({ commonName: 'd' })), ['ec-p256']);

/** An attacker with the database file: drops the append-only triggers, then edits. */
function tamper(dbPath: string, sql: string): void {
  const db = new Database(dbPath);
  db.exec(`DROP TRIGGER IF EXISTS audit_record_no_update; DROP TRIGGER IF EXISTS audit_record_no_delete; ${sql}`);
  db.close();
}

describe('audit log on the station database', () => {
  it('ok every signature has its audit record, committed with the certificate; the chain verifies live and exported', async () => {
    const s = await issuanceStack(20);
    try {
      const issued = [];
      for (let i = 0; i < 5; i++) issued.push(await s.issuance.issue({ deviceSerial: serial(i), productModel: 'thermo-1', csr: csr(), jigId: 'jig-1', slot: i }));
      await s.shutdown(true);
      const db = join(s.dir, 'station.db');
      const r = new Database(db, { readonly: true });
      const signed = r.prepare(`SELECT device_serial AS serial, fingerprint FROM audit_record WHERE kind = 'certificate-signed' ORDER BY seq`).all();
      r.close();
      assert.deepEqual(signed, issued.map((x, i) => ({ serial: serial(i), fingerprint: x.fingerprint })));

      const live = audit('verify', '--db', db);
      assert.equal(live.status, 0, live.stdout + live.stderr);
      assert.match(live.stdout, /^OK: 5 records, 1\.\.5/);
      const file = join(s.dir, 'audit.jsonl');
      assert.equal(audit('export', '--db', db, '--out', file).status, 0);
      assert.equal(audit('verify', file).status, 0);

      // the exported file edited: the line is named
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      lines[2] = lines[2].replace(serial(2), 'SN9999999');
      writeFileSync(join(s.dir, 'edited.jsonl'), lines.join('\n'));
      const edited = audit('verify', join(s.dir, 'edited.jsonl'));
      assert.equal(edited.status, 1);
      assert.match(edited.stdout, /BROKEN at record 3 \(line 3\): record 3 was altered/);
    } finally {
      await s.close();
    }
  });

  for (const [what, sql, expected] of [
    ['edited', `UPDATE audit_record SET detail = 'nothing to see' WHERE seq = 4`, /BROKEN at record 4 \(line 4\): record 4 was altered/],
    ['deleted', `DELETE FROM audit_record WHERE seq = 2`, /BROKEN at record 3 \(line 2\): sequence 3 where 2 was due/],
    ['reordered', `UPDATE audit_record SET seq = -1 WHERE seq = 2; UPDATE audit_record SET seq = 2 WHERE seq = 3; UPDATE audit_record SET seq = 3 WHERE seq = -1`, /BROKEN at record 2/],
    ['inserted', `INSERT INTO audit_record SELECT seq + 1000, prev_hash, hash, time, kind, actor, order_id, 'SN-EXTRA', fingerprint, outcome, detail FROM audit_record WHERE seq = 3`, /BROKEN at record 1003/],
  ] as Array<[string, string, RegExp]>) {
    it(`fail a record ${what} in the database is detected and named`, async () => {
      const s = await issuanceStack(20);
      try {
        for (let i = 0; i < 4; i++) await s.issuance.issue({ deviceSerial: serial(i), productModel: 'thermo-1', csr: csr() });
        await s.shutdown(true);
        const db = join(s.dir, 'station.db');
        tamper(db, sql);
        const v = audit('verify', '--db', db);
        assert.equal(v.status, 1, v.stdout);
        assert.match(v.stdout, expected);
      } finally {
        await s.close();
      }
    });
  }

  it('fail the triggers refuse UPDATE and DELETE of audit records through the database', async () => {
    const s = await issuanceStack(5);
    try {
      await s.issuance.issue({ deviceSerial: serial(1), productModel: 'thermo-1', csr: csr() });
      await assert.rejects(s.ds.query(`UPDATE audit_record SET detail = 'x'`), /append-only/);
      await assert.rejects(s.ds.query(`DELETE FROM audit_record`), /append-only/);
    } finally {
      await s.close();
    }
  });

  it('fail the CLI refuses bad usage with exit 2', () => {
    assert.equal(audit('frobnicate').status, 2);
    assert.equal(audit('export', '--db', '/nonexistent.db').status, 2);
  });
});
