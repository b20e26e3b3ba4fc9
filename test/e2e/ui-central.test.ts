import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { provisionAll, startLine, type RunningLine } from '../../src/demo/line.js';
import { httpJson, waitUntil } from '../../src/demo/processes.js';
import { deviceFiles, estEnrollCurl, newKeyAndCsr } from '../../src/demo/field-clients.js';
import { launchChromium, panelContext, screenshot, seriousAxeViolations } from '../support/ui-browser.js';
import { addCentralUser } from '../support/central-users.js';

const DEVICES = 4;
const JIGS = 2;
const OPENAPI = fileURLToPath(new URL('../../../central-ui/src/api/openapi.json', import.meta.url));
const WIDE = { width: 1440, height: 900 };

/**
 * The brand owner's console in Debian's Chromium against the real central and station (SoftHSM2,
 * Redis, simulated jigs on ptys): devices provisioned and their audit synced, one enrolled twice
 * over EST with curl (a clone), then the brand owner finds the clone alarm and revokes the
 * device, and an auditor cannot. Screenshots land in docs/screenshots.
 */
describe('e2e ui: the central console, by role, accessible', () => {
  let line: RunningLine;
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-cui-'));
  const work = join(dir, 'work');
  const passwords = { bella: 'brand-owner-pass-1', aldo: 'auditor-pass-1' };

  const signIn = async (page: Page, name: string, password: string) => {
    await page.goto(line.centralUrl);
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Orders and quotas' }).waitFor();
  };
  const assertAccessible = async (page: Page, screen: string) => {
    const found = await seriousAxeViolations(page);
    assert.deepEqual(found.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `${screen}: axe-core`);
  };
  const sessionCookie = async (name: string, password: string): Promise<string> => {
    const res = await fetch(`${line.centralUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
    assert.equal(res.status, 200);
    return /^(central_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1];
  };
  const device = (serial: string) => httpJson<{ revoked: boolean; certificates: Array<{ revokedAt: string | null }>; anomalies: Array<{ kind: string }> }>('GET', `${line.centralUrl}/api/console/devices/${serial}`, undefined, line.adminToken);
  const events = () => httpJson<Array<{ userName: string; kind: string; outcome: string; detail: string }>>('GET', `${line.centralUrl}/api/console/sign-ins`, undefined, line.adminToken);

  before(async () => {
    line = await startLine({ stateDir: dir, devices: DEVICES, jigs: JIGS, stationSettings: { auditSyncIntervalMs: 300 } });
    const slots = await provisionAll(line, JIGS, DEVICES);
    assert.equal(slots.filter((s) => s.phase === 'done').length, DEVICES);
    await waitUntil('the audit backlog to reach central', async () => {
      const s = await httpJson<{ sync: { unsynced: number; ackedSeq: number } }>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
      return s.sync.unsynced === 0 && s.sync.ackedSeq > 0 ? true : undefined;
    }, 30_000);
    await addCentralUser(dir, 'bella', 'brand-owner', passwords.bella);
    await addCentralUser(dir, 'aldo', 'auditor', passwords.aldo);
    // devices 1 and 2 enroll in the field; device 1 enrolls again with another key: a clone
    mkdirSync(work, { recursive: true });
    const { pem } = await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/pki/root`);
    const root = join(dir, 'brand-root.pem');
    writeFileSync(root, pem);
    const enroll = async (serial: string, keyName: string) => {
      const f = deviceFiles(dir, serial);
      const csr = await newKeyAndCsr(work, keyName, serial);
      return estEnrollCurl({ url: line.centralTlsUrl, tlsTrust: root, clientCert: f.birth, clientKey: f.key, csrDer: csr.csrDer, out: join(work, `${keyName}.pem`) });
    };
    assert.equal((await enroll(line.serials[0], 'dev1-op')).httpStatus, 200);
    assert.equal((await enroll(line.serials[1], 'dev2-op')).httpStatus, 200);
    const clone = await enroll(line.serials[0], 'dev1-clone');
    assert.equal(clone.httpStatus, 403, clone.output);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fail every console route refuses a request without credentials (401); every brand-owner route refuses an auditor (403)', async () => {
    const doc = JSON.parse(readFileSync(OPENAPI, 'utf8')) as { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };
    const sample: Record<string, string> = { serial: line.serials[2], orderId: 'PO-NONE', stationId: 'line-1' };
    const auditor = await sessionCookie('aldo', passwords.aldo);
    let ownerOnly = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      const url = line.centralUrl + path.replace(/\{(\w+)\}/g, (_, p: string) => sample[p]);
      for (const [method, op] of Object.entries(methods)) {
        if (!op['x-roles']) continue; // sign-in itself
        const ask = async (headers: Record<string, string>) => {
          const res = await fetch(url, { method: method.toUpperCase(), headers: { 'content-type': 'application/json', ...headers }, body: method === 'get' ? undefined : '{}' });
          await res.body?.cancel();
          return res.status;
        };
        const route = `${method.toUpperCase()} ${path}`;
        assert.equal(await ask({}), 401, `${route} without credentials`);
        assert.equal(await ask({ authorization: 'Bearer not-a-token-of-central' }), 401, `${route} with a foreign token`);
        assert.equal(await ask({ cookie: 'central_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), 401, `${route} with a made-up session`);
        if (!op['x-roles'].includes('auditor')) {
          ownerOnly++;
          assert.equal(await ask({ cookie: auditor }), 403, `${route} as an auditor`);
        }
      }
    }
    assert.equal(ownerOnly, 2, 'the two revocations');
    assert.equal((await device(line.serials[2])).revoked, false, 'nothing was revoked by the refused calls');
  });

  it('ok the sign-in screen refuses a wrong password, and the attempt is recorded', async () => {
    const page = await (await panelContext(browser, WIDE)).newPage();
    await page.goto(line.centralUrl);
    await page.getByLabel('User name').waitFor();
    await screenshot(page, 'central-sign-in');
    await assertAccessible(page, 'sign-in');
    await page.getByLabel('User name').fill('bella');
    await page.getByLabel('Password').fill('not her password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /wrong user name or password/);
    assert.ok((await events()).some((e) => e.kind === 'login-failed' && e.userName === 'bella' && e.outcome === 'refused' && e.detail === 'wrong password'));
    await page.context().close();
  });

  it('ok the brand owner sees the order against its quota, per station and over time', async () => {
    const page = await (await panelContext(browser, WIDE)).newPage();
    await signIn(page, 'bella', passwords.bella);
    const row = page.locator(`[data-order="${line.orderId}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('issued').innerText(), String(DEVICES));
    assert.equal(await row.getByTestId('spoiled').innerText(), '0');
    assert.equal(await row.getByTestId('enrolled').innerText(), '2');
    await page.getByRole('img', { name: /All orders: issued, spoiled, enrolled over time/ }).waitFor();
    await screenshot(page, 'central-orders');
    await assertAccessible(page, 'orders');

    await row.getByRole('button', { name: line.orderId }).click();
    const plot = page.getByRole('img', { name: new RegExp(`Order ${line.orderId}`) });
    await plot.waitFor();
    assert.match(await plot.locator('desc').textContent() ?? '', new RegExp(`Issued ${DEVICES}, Spoiled 0, Enrolled 2, Tamper alarms 0, quota ${DEVICES}`));
    assert.equal(await page.getByRole('button', { name: `Revoke order ${line.orderId}` }).count(), 1);
    await screenshot(page, 'central-order');
    await assertAccessible(page, 'order');

    await page.getByRole('button', { name: 'Stations' }).click();
    const station = page.locator('[data-station="line-1"]');
    await station.waitFor();
    assert.equal(await station.getByTestId('chain-state').innerText(), 'Continuous');
    await page.getByRole('img', { name: /Station line-1/ }).waitFor();
    await screenshot(page, 'central-stations');
    await assertAccessible(page, 'stations');
    await station.getByRole('button', { name: 'line-1' }).click();
    await page.getByRole('heading', { name: 'Station line-1: audit records' }).waitFor();
    await page.getByRole('cell', { name: 'certificate-signed' }).first().waitFor();
    await screenshot(page, 'central-station-records');
    await assertAccessible(page, 'station records');
    await page.context().close();
  });

  it('ok the brand owner sees the clone alarm raised by the second enrollment, drills down to the device and revokes it', async () => {
    const clone = line.serials[0];
    const page = await (await panelContext(browser, WIDE)).newPage();
    await signIn(page, 'bella', passwords.bella);
    await page.getByRole('button', { name: 'Look at the anomalies' }).click();
    const alarm = page.locator(`[data-anomaly="clone"][data-device="${clone}"]`);
    await alarm.waitFor();
    assert.match(await alarm.innerText(), /open/);
    await screenshot(page, 'central-anomalies');
    await assertAccessible(page, 'anomalies');

    await alarm.getByRole('button', { name: `Device ${clone}` }).click();
    await page.getByRole('heading', { name: `Device ${clone}` }).waitFor();
    assert.equal(await page.getByTestId('device-state').innerText(), 'Not revoked');
    // the drill-down shows the station's record of its certificate and the refused second enrollment
    await page.getByRole('cell', { name: 'certificate-signed' }).first().waitFor();
    await page.getByText(/refused/).first().waitFor();
    await screenshot(page, 'central-device');
    await assertAccessible(page, 'device');

    await page.getByRole('button', { name: `Revoke device ${clone}` }).click();
    await page.getByLabel('Reason').selectOption({ label: 'Key compromise' });
    await screenshot(page, 'central-device-revoke');
    await assertAccessible(page, 'device, confirming revocation');
    await page.getByRole('button', { name: `Confirm revocation of device ${clone}` }).click();
    assert.match(await page.getByRole('status').filter({ hasText: 'revoked' }).innerText(), new RegExp(`Device ${clone} of order ${line.orderId} revoked: 1 operational certificate`));
    await page.getByTestId('device-state').filter({ hasText: /^Revoked/ }).waitFor();

    const after = await device(clone);
    assert.equal(after.revoked, true);
    assert.ok(after.certificates.every((c) => c.revokedAt), 'its operational certificate is revoked');
    const revocation = (await events()).find((e) => e.kind === 'revoke-device');
    assert.equal(revocation?.userName, 'bella');
    assert.match(revocation!.detail, new RegExp(`device ${clone} of order ${line.orderId} revoked \\(reason 1\\)`));

    await page.getByRole('button', { name: 'Sign-ins' }).click();
    await page.locator('[data-kind="revoke-device"]').waitFor();
    await screenshot(page, 'central-sign-ins');
    await assertAccessible(page, 'sign-ins');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User name').waitFor();
    assert.equal(await page.evaluate(async () => (await fetch('/api/console/overview')).status), 401);
    assert.ok((await events()).some((e) => e.kind === 'logout' && e.userName === 'bella'));
    await page.context().close();
  });

  it('fail an auditor reads everything but cannot revoke: no revoke button, and central answers 403', async () => {
    const other = line.serials[1];
    const page = await (await panelContext(browser, WIDE)).newPage();
    await signIn(page, 'aldo', passwords.aldo);
    assert.equal(await page.getByText('auditor (read-only)').count(), 1);
    await page.getByRole('button', { name: 'Anomalies', exact: true }).click();
    await page.locator('[data-anomaly="clone"]').first().waitFor();
    // the auditor's browser posts revocations anyway: the console's route and the automation route
    const status = await page.evaluate(async ({ serial, orderId }) => {
      const post = async (url: string, body: string) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status;
      return [
        await post(`/api/console/devices/${serial}/revoke`, '{"reason":1}'),
        await post(`/api/devices/${serial}/revoke`, '{"reason":1}'),
        await post(`/api/console/orders/${orderId}/revoke`, '{}'),
      ];
    }, { serial: other, orderId: line.orderId });
    assert.deepEqual(status, [403, 403, 403]);
    assert.equal((await device(other)).revoked, false, 'the device is not revoked');

    await page.locator(`[data-anomaly="clone"]`).first().getByRole('button', { name: /^Device / }).click();
    await page.getByRole('heading', { name: `Device ${line.serials[0]}` }).waitFor();
    await page.getByTestId('device-state').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Revoke/ }).count(), 0);
    await screenshot(page, 'central-auditor-device');
    await assertAccessible(page, 'device (auditor)');
    await page.context().close();
  });
});
