import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../src/central/ui/openapi/write-central-api.cli.js', import.meta.url));
const DOC = fileURLToPath(new URL('../../../../central-ui/src/api/openapi.json', import.meta.url));

describe('central console API types', () => {
  it('ok the committed OpenAPI document and client types match the controllers (npm run build writes them)', () => {
    const r = spawnSync(process.execPath, [CLI, '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('ok every console route states its roles; only sign-in is open; only the revocations are the brand owner\'s alone', () => {
    const doc = JSON.parse(readFileSync(DOC, 'utf8')) as { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ route: `${m.toUpperCase()} ${path}`, roles: op['x-roles'] })));
    assert.deepEqual(routes.filter((r) => !r.roles).map((r) => r.route), ['POST /api/auth/login']);
    assert.deepEqual(
      routes.filter((r) => r.roles && !r.roles.includes('auditor')).map((r) => r.route).sort(),
      ['POST /api/console/devices/{serial}/revoke', 'POST /api/console/orders/{orderId}/revoke'],
    );
    assert.ok(routes.every((r) => !r.roles || !r.roles.includes('station')), 'no console route is open to a station token');
  });
});
