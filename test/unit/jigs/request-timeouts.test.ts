/**
 * docs/jig-protocol.md §8 publishes the per-try timeouts a firmware team designs against; this
 * keeps that table and the station's code (src/station/jigs/request-timeouts.ts) the same.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TABLE_BAUD_RATES, TABLE_REQUESTS, USB_LINE_BAUD_EQUIVALENT, allowanceMs, defaultRequestTimeoutMs } from '../../../src/station/jigs/request-timeouts.js';

const doc = readFileSync(fileURLToPath(new URL('../../../../docs/jig-protocol.md', import.meta.url)), 'utf8');

/** The rows of the markdown table that follows `heading`, split into cells. */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(heading);
  assert.ok(start >= 0, `docs/jig-protocol.md has "${heading}"`);
  const lines = doc.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

describe('protocol timeouts per line speed', () => {
  it('ok the table in docs/jig-protocol.md §8 is what the station computes', () => {
    const rows = tableAfter('Per-try timeouts in ms');
    const header = rows[0];
    assert.deepEqual(header, ['request', 'device allowance', ...TABLE_BAUD_RATES.map(String), 'USB']);
    const body = rows.slice(2);
    assert.equal(body.length, TABLE_REQUESTS.length);
    TABLE_REQUESTS.forEach(({ label, request }, i) => {
      const expected = [
        label,
        String(allowanceMs(request)),
        ...TABLE_BAUD_RATES.map((baud) => String(defaultRequestTimeoutMs(request, baud))),
        String(defaultRequestTimeoutMs(request, USB_LINE_BAUD_EQUIVALENT)),
      ];
      assert.deepEqual(body[i], expected, `row ${label}`);
    });
  });

  it('ok every timeout shrinks as the line gets faster, and never below the device allowance', () => {
    for (const { request } of TABLE_REQUESTS) {
      const values = TABLE_BAUD_RATES.map((baud) => defaultRequestTimeoutMs(request, baud));
      values.slice(1).forEach((v, i) => assert.ok(v <= values[i], `${request.type}: ${values.join(' ')}`));
      assert.ok(values.at(-1)! > allowanceMs(request));
    }
  });
});
