import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { fieldProtocolRoutes } from '../../../src/central/enrollment/field-protocol-routes.js';
import { EstController } from '../../../src/central/enrollment/est/est.controller.js';
import { CmpController } from '../../../src/central/enrollment/cmp/cmp.controller.js';

describe('field protocol routes: EST enrollment and CMP answered before the Express router', () => {
  const calls: string[] = [];
  const est = { simpleenroll: async () => void calls.push('simpleenroll'), simplereenroll: async () => void calls.push('simplereenroll') };
  let cmpFails = false;
  const cmp = { post: async () => { calls.push('cmp'); if (cmpFails) throw new Error('boom'); } };
  const app = { get: (token: unknown) => (token === EstController ? est : token === CmpController ? cmp : null) } as unknown as INestApplication;
  const route = fieldProtocolRoutes(app);
  const req = (method: string, url: string) => ({ method, url, resume: () => undefined }) as unknown as IncomingMessage;
  const res = () => {
    const r = { status: 0, headersSent: false, writeHead(s: number) { r.status = s; return r; }, end: () => r, destroy: () => undefined };
    return r;
  };

  it('ok takes the enrollment routes of RFC 7030 §3.2.2, with or without a CA label, and the CMP routes', () => {
    const taken = [
      ['/.well-known/est/simpleenroll', 'simpleenroll'],
      ['/.well-known/est/arbitraryLabel1/simpleenroll', 'simpleenroll'],
      ['/label.v2/.well-known/est/simplereenroll?x=1', 'simplereenroll'],
      ['/.well-known/cmp', 'cmp'],
      ['/.well-known/cmp/p/devices', 'cmp'],
      ['/cmp', 'cmp'],
    ];
    for (const [url, handler] of taken) {
      calls.length = 0;
      assert.equal(route(req('POST', url), res() as unknown as ServerResponse), true, url);
      assert.deepEqual(calls, [handler], url);
    }
  });

  it('leaves everything else to Nest: other methods, other EST operations, look-alike paths', () => {
    calls.length = 0;
    for (const [method, url] of [
      ['GET', '/.well-known/est/simpleenroll'],
      ['GET', '/.well-known/est/cacerts'],
      ['POST', '/.well-known/est/serverkeygen'],
      ['POST', '/.well-known/est/a/b/simpleenroll'],
      ['POST', '/../.well-known/est/simpleenroll'],
      ['POST', '/.well-known/cmpx'],
      ['POST', '/api/orders'],
    ]) assert.equal(route(req(method, url), res() as unknown as ServerResponse), false, `${method} ${url}`);
    assert.deepEqual(calls, []);
  });

  it('answers 500 when a handler fails unexpectedly, as Nest would', async () => {
    cmpFails = true;
    const r = res();
    route(req('POST', '/cmp'), r as unknown as ServerResponse);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(r.status, 500);
  });
});
