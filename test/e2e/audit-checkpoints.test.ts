import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startLine, provisionAll, type RunningLine } from '../../src/demo/line.js';
import { httpJson } from '../../src/demo/processes.js';
import { recordHash } from '../../src/audit/audit-record.js';
import { auditRecordFromRow } from '../../src/audit/audit-record.js';

const CLI = fileURLToPath(new URL('../../src/audit/cli.js', import.meta.url));
const audit = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('e2e: signed checkpoints of the audit chain (audit key in the station HSM, certified by the Management CA)', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-audit-'));
  let db: string;
  let anchor: string;

  /** A copy of the station database an attacker edits (triggers dropped first). */
  const tampered = (name: string, sql: (d: Database.Database) => void): string => {
    const copy = join(dir, `${name}.db`);
    copyFileSync(db, copy);
    const d = new Database(copy);
    d.exec(`DROP TRIGGER audit_record_no_update; DROP TRIGGER audit_record_no_delete;`);
    sql(d);
    d.close();
    return copy;
  };

  before(async () => {
    line = await startLine({ stateDir: dir, devices: 6, jigs: 2 });
    await provisionAll(line, 2, 6, 60_000);
    const cp = await httpJson<{ checkpoint: { seq: number } | null }>('POST', `${line.stationUrl}/api/audit/checkpoints`, undefined, line.supervisorToken);
    assert.ok(cp.checkpoint && cp.checkpoint.seq > 10);
    await line.station.stop(); // a clean stop signs a last checkpoint if records were added
    db = join(dir, 'station', 'station.db');
    anchor = join(dir, 'station', 'brand-root.pem');
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok the whole chain verifies and its checkpoints verify against the brand root', () => {
    const v = audit('verify', '--db', db, '--anchor', anchor);
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /checkpoint\(s\) verified against the brand root, last at record \d+/);
    const kinds = new Database(db, { readonly: true }).prepare(`SELECT DISTINCT kind FROM audit_record`).all().map((r) => (r as { kind: string }).kind);
    for (const k of ['station-started', 'key-created', 'grant-imported', 'order-opened', 'certificate-signed', 'certificate-verified', 'device-locked']) {
      assert.ok(kinds.includes(k), `audit holds ${k}`);
    }
  });

  it('fail a chain rewritten consistently (every hash recomputed) is caught by the signed checkpoint', () => {
    const copy = tampered('rewritten', (d) => {
      const rows = d.prepare(`SELECT * FROM audit_record ORDER BY seq`).all().map((r) => auditRecordFromRow(r as Record<string, unknown>));
      let prev = rows[2].prevHash;
      for (let i = 2; i < rows.length; i++) {
        const r = { ...rows[i], prevHash: prev, detail: i === 2 ? 'rewritten history' : rows[i].detail };
        r.hash = recordHash(r);
        d.prepare(`UPDATE audit_record SET prev_hash = ?, hash = ?, detail = ? WHERE seq = ?`).run(r.prevHash, r.hash, r.detail, r.seq);
        prev = r.hash;
      }
      // the forger also edits the checkpoints' hashes — but cannot sign them again
      for (const r of rows) d.prepare(`UPDATE audit_checkpoint SET hash = (SELECT hash FROM audit_record WHERE seq = ?) WHERE seq = ?`).run(r.seq, r.seq);
    });
    assert.equal(audit('verify', '--db', copy).status, 0, 'the records alone hold together after a full rewrite');
    const v = audit('verify', '--db', copy, '--anchor', anchor);
    assert.equal(v.status, 1);
    assert.match(v.stdout, /BROKEN: checkpoint at \d+: signature does not verify/);
  });

  it('fail records cut off after a checkpoint are detected', () => {
    const copy = tampered('cut', (d) => {
      const { m } = d.prepare(`SELECT MAX(seq) AS m FROM audit_checkpoint`).get() as { m: number };
      d.prepare(`DELETE FROM audit_record WHERE seq > ?`).run(m - 3);
    });
    const v = audit('verify', '--db', copy, '--anchor', anchor);
    assert.equal(v.status, 1);
    assert.match(v.stdout, /records were cut off/);
  });

  it('fail a checkpoint verified against another brand root is refused', () => {
    const other = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'other-root.pem'), '-subj', '/CN=Other Root', '-days', '1']);
    assert.equal(other.status, 0);
    const w = audit('verify', '--db', db, '--anchor', join(dir, 'other-root.pem'));
    assert.equal(w.status, 1);
    assert.match(w.stdout, /does not chain to the brand root/);
  });
});
