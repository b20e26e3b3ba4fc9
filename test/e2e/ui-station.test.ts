import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { startLine, type RunningLine } from '../../src/demo/line.js';
import { addStationUser } from '../../src/demo/station-users.js';
import { httpJson } from '../../src/demo/processes.js';
import { readAuditFile } from '../../src/audit/audit-file.js';
import { verifyAuditChain } from '../../src/audit/verify-chain.js';
import { launchChromium, panelContext, screenshot, seriousAxeViolations } from '../support/ui-browser.js';

const DEVICES = 6;
const JIGS = 2;
const BAD = 3; // device 3 (jig-1 slot 1) sends a CSR whose signature does not verify
const TERMINAL = ['done', 'failed', 'refused'];
const DAY = 24 * 3600 * 1000;
const OPENAPI = fileURLToPath(new URL('../../../station-ui/src/api/openapi.json', import.meta.url));

/**
 * The operator panel in Debian's Chromium against the real station, central, Redis, SoftHSM2
 * and simulated jigs on ptys. Screenshots land in docs/screenshots.
 */
describe('e2e ui: the station panel, live, by role, accessible', () => {
  let line: RunningLine;
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-ui-'));
  const passwords = { olga: 'operator-pass-1', sam: 'supervisor-pass-1' };

  const signIn = async (page: Page, name: string, password: string) => {
    await page.goto(line.stationUrl);
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Station line-1/ }).waitFor();
    await page.locator('.live-live').waitFor();
  };
  const assertAccessible = async (page: Page, screen: string) => {
    const found = await seriousAxeViolations(page);
    assert.deepEqual(found.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${screen}: axe-core`);
  };
  const auditKinds = async () => (await httpJson<Array<{ kind: string; actor: string; outcome: string }>>('GET', `${line.stationUrl}/api/events`, undefined, line.operatorToken));

  before(async () => {
    line = await startLine({ stateDir: dir, devices: DEVICES, jigs: JIGS, modes: { [BAD]: 'bad-csr-signature' }, modelWire: true });
    await addStationUser(dir, 'olga', 'operator', passwords.olga);
    await addStationUser(dir, 'sam', 'supervisor', passwords.sam);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fail every API route refuses a request without credentials (401); every supervisor route refuses an operator (403)', async () => {
    const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, Record<string, { 'x-required-role'?: string }>> };
    const sample: Record<string, string> = { jigId: 'jig-1', slot: '0', orderId: 'PO-NONE', id: '999', serial: 'SN000001' };
    const open = new Set(['GET /health', 'POST /api/auth/login']);
    let supervisorRoutes = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      const url = line.stationUrl + path.replace(/\{(\w+)\}/g, (_, p: string) => sample[p]);
      for (const [method, op] of Object.entries(methods)) {
        const route = `${method.toUpperCase()} ${path}`;
        if (open.has(route)) continue;
        const ask = async (token?: string) => {
          const res = await fetch(url, { method: method.toUpperCase(), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: method === 'get' ? undefined : '{}' });
          await res.body?.cancel();
          return res.status;
        };
        assert.equal(await ask(), 401, `${route} without credentials`);
        assert.equal(await ask('not-a-token-of-this-station'), 403, `${route} with a foreign token`);
        if (op['x-required-role'] === 'supervisor') {
          supervisorRoutes++;
          assert.equal(await ask(line.operatorToken), 403, `${route} as an operator`);
        }
      }
    }
    // every supervisor route of the OpenAPI document was asked above; 10 since the shift change
    assert.equal(supervisorRoutes, 10);
  });

  it('ok the sign-in screen refuses a wrong password and the attempt is audited', async () => {
    const page = await (await panelContext(browser)).newPage();
    await page.goto(line.stationUrl);
    await page.getByLabel('User name').waitFor();
    await screenshot(page, 'station-sign-in');
    await assertAccessible(page, 'sign-in');
    await page.getByLabel('User name').fill('olga');
    await page.getByLabel('Password').fill('not her password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /wrong user name or password/);
    assert.ok((await auditKinds()).some((r) => r.kind === 'login-failed' && r.actor === 'olga' && r.outcome === 'refused'));
    await page.context().close();
  });

  it('ok an operator scans the jigs and watches every slot change live; the refused device shows why and what to do', async () => {
    const page = await (await panelContext(browser)).newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await signIn(page, 'olga', passwords.olga);
    // every phase each slot card shows, as the page renders it
    await page.evaluate(() => {
      const seen: Record<string, string[]> = {};
      (window as unknown as { phasesSeen: typeof seen }).phasesSeen = seen;
      const note = (el: Element) => {
        if (!(el instanceof HTMLElement) || !el.dataset.phase) return;
        const list = (seen[el.id] ??= []);
        if (list[list.length - 1] !== el.dataset.phase) list.push(el.dataset.phase);
      };
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === 'attributes') note(r.target as Element);
          r.addedNodes.forEach((n) => n instanceof Element && [n, ...n.querySelectorAll('[data-phase]')].forEach(note));
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase'] });
    });

    // jig-1 as a barcode scanner does it (typed, then Enter, with nothing focused); jig-2 by its button
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.type('jig-1');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Scan jig-2' }).click();

    await page.waitForFunction(
      ({ n, terminal }) => {
        const cards = [...document.querySelectorAll<HTMLElement>('article.slot')];
        return cards.length === n && cards.every((c) => terminal.includes(c.dataset.phase!));
      },
      { n: DEVICES, terminal: TERMINAL },
      { timeout: 90_000 },
    );
    const seen = await page.evaluate(() => (window as unknown as { phasesSeen: Record<string, string[]> }).phasesSeen);
    assert.equal(Object.keys(seen).length, DEVICES, JSON.stringify(seen));
    for (const [slot, phases] of Object.entries(seen)) {
      assert.ok(phases.length >= 3, `${slot} was seen changing: ${phases.join(' → ')}`);
      assert.ok(phases.some((p) => !TERMINAL.includes(p)), `${slot} was seen at work: ${phases.join(' → ')}`);
    }
    assert.deepEqual(seen['slot-jig-1-1'].slice(-1), ['refused']);
    // pushed, not polled: one live stream, no repeated reads of the state
    assert.equal(requests.filter((r) => r === 'GET /api/live').length, 1, requests.join('\n'));
    assert.deepEqual(requests.filter((r) => /^GET \/api\/(status|jigs|panel|alarms|audit|orders)/.test(r)), []);

    const refused = page.locator('#slot-jig-1-1');
    assert.equal(await refused.locator('.phase').innerText(), 'Refused');
    assert.match(await refused.locator('.reason').innerText(), /signature/i);
    assert.match(await refused.locator('.action').innerText(), /reject bin/);
    await page.getByTestId('provisioned').filter({ hasText: String(DEVICES - 1) }).waitFor();
    assert.equal(await page.getByTestId('refused').innerText(), '1');
    await page.getByRole('heading', { name: 'Latest refused and failed devices' }).waitFor();

    // a scanned device serial finds its slot
    await page.getByLabel('Scan a jig or a device').fill('SN000003');
    await page.keyboard.press('Enter');
    assert.match(await page.locator('.scan .said').innerText(), /SN000003 is on jig-1 slot 1/);
    await page.locator('#slot-jig-1-1.highlighted').waitFor();

    await screenshot(page, 'station-line-1280x800');
    await assertAccessible(page, 'line (operator)');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'station-line-1920x1080');
    await assertAccessible(page, 'line at 1920×1080');
    await page.context().close();
  });

  it('fail an operator cannot import a grant: no supervisor screen, and the server answers 403', async () => {
    const page = await (await panelContext(browser)).newPage();
    await signIn(page, 'olga', passwords.olga);
    assert.equal(await page.getByRole('button', { name: 'Supervisor' }).count(), 0);
    const grant = await grantFromCentral('PO-UI-OPERATOR', 5);
    const status = await page.evaluate(async (g) => (await fetch('/api/grants', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant: g }) })).status, grant);
    assert.equal(status, 403);
    const orders = await httpJson<Array<{ orderId: string }>>('GET', `${line.stationUrl}/api/orders`, undefined, line.operatorToken);
    assert.ok(!orders.some((o) => o.orderId === 'PO-UI-OPERATOR'));
    // signed out, the same browser has no access at all
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User name').waitFor();
    assert.equal(await page.evaluate(async () => (await fetch('/api/panel')).status), 401);
    assert.ok((await auditKinds()).some((r) => r.kind === 'logout' && r.actor === 'olga'));
    await page.context().close();
  });

  it('ok a supervisor imports a grant file and its quota appears on the panel; re-runs a refused slot; starts a new shift; exports the audit file', async () => {
    const page = await (await panelContext(browser)).newPage();
    await signIn(page, 'sam', passwords.sam);
    await page.getByRole('button', { name: 'Supervisor' }).click();
    await page.getByRole('heading', { name: 'Import a quota grant' }).waitFor();
    await screenshot(page, 'station-supervisor');
    await assertAccessible(page, 'supervisor');

    const file = join(dir, 'PO-UI-GRANT.pem');
    writeFileSync(file, await grantFromCentral('PO-UI-GRANT', 40));
    await page.getByLabel('Grant file').setInputFiles(file);
    await page.getByRole('button', { name: 'Import grant' }).click();
    assert.match(await page.locator('.card .ok').first().innerText(), /Order PO-UI-GRANT opened: 40 × thermo-1/);

    // the refused device again: it is refused again, and the re-run is on record
    await page.getByRole('button', { name: 'Re-run jig-1 slot 1' }).click();
    await page.getByText('jig-1 slot 1 queued again').waitFor();

    // a new shift: the counters start from zero, the shift that ended goes on record
    await page.getByRole('button', { name: 'Start a new shift' }).click();
    assert.match(await page.getByText(/shift ended with \d+ provisioned/).innerText(), /a new shift started/);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export audit file' }).click();
    const saved = join(dir, 'export.ndjson');
    await (await download).saveAs(saved);
    const exported = readAuditFile(saved);
    assert.equal(verifyAuditChain(exported.records).ok, true);
    const kinds = exported.records.map((r) => r.kind);
    for (const k of ['login', 'login-failed', 'logout', 'user-changed', 'grant-imported', 'device-rerun', 'shift-started', 'audit-exported']) assert.ok(kinds.includes(k), `${k} in the export`);

    await page.getByRole('button', { name: 'Line' }).click();
    const order = page.locator('[data-order="PO-UI-GRANT"]');
    await order.waitFor();
    assert.equal(await order.getByTestId('left').innerText(), '40');
    assert.equal(await page.getByTestId('provisioned').innerText(), '0', 'the new shift has provisioned nothing yet');
    assert.equal(readFileSync(saved, 'utf8').split('\n').filter(Boolean).length >= exported.records.length, true);
    await page.context().close();
  });

  it('ok a tamper alarm locks the panel; the supervisor clears it with a reason that is audited', async () => {
    // a row edited by hand while the station is down: the count no longer matches the records
    await line.station.stop();
    const db = new Database(join(dir, 'station', 'station.db'));
    db.prepare(`UPDATE station_order SET issued = issued + 1 WHERE order_id = ?`).run(line.orderId);
    db.close();
    await line.restartStation();

    const page = await (await panelContext(browser)).newPage();
    await signIn(page, 'sam', passwords.sam);
    const banner = page.getByRole('alert').filter({ hasText: 'Issuance locked' });
    await banner.waitFor();
    assert.match(await banner.innerText(), /counter-edited/);
    await screenshot(page, 'station-line-alarm');
    await assertAccessible(page, 'line with alarm');

    await page.getByRole('button', { name: 'Supervisor' }).click();
    await page.getByLabel(/Why may it be cleared/).fill('row edited during the UI test; counts checked by hand');
    await screenshot(page, 'station-supervisor-alarm');
    await assertAccessible(page, 'supervisor with alarm');
    await page.getByRole('button', { name: /^Clear alarm/ }).click();
    await page.getByText('No open alarm. Issuance is running.').waitFor();
    const cleared = (await auditKinds()).find((r) => r.kind === 'alarm-cleared');
    assert.equal(cleared?.actor, 'sam');
    await page.context().close();
  });

  async function grantFromCentral(orderId: string, quota: number): Promise<string> {
    await httpJson('POST', `${line.centralUrl}/api/orders`, {
      orderId,
      stationId: 'line-1',
      productModel: 'thermo-1',
      quota,
      serialFirst: 'UI0000',
      serialLast: 'UI9999',
      notBefore: new Date(Date.now() - DAY).toISOString(),
      notAfter: new Date(Date.now() + DAY).toISOString(),
    }, line.adminToken);
    return (await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/orders/${orderId}/grant`, undefined, line.adminToken)).pem;
  }
});
