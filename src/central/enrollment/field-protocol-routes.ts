import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Logger, type INestApplication } from '@nestjs/common';
import { EstController } from './est/est.controller.js';
import { CmpController } from './cmp/cmp.controller.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Path segments of an optional CA label (RFC 7030 §3.2.2, RFC 9483 §6.1): no slash, no dot-segment. */
const LABEL = '[A-Za-z0-9_~%!$&\'()*+,;=:@-][A-Za-z0-9._~%!$&\'()*+,;=:@-]*';
const EST_ENROLL = new RegExp(`^(?:/${LABEL})?/\\.well-known/est(?:/${LABEL})?/(simpleenroll|simplereenroll)$`);
const CMP = new RegExp(`^(?:/\\.well-known/cmp(?:/p/${LABEL})?|/cmp)$`);

/**
 * The devices' enrollment requests (EST simpleenroll/simplereenroll, CMP) are answered before
 * Express and Nest route them (docs/decisions/0009-field-protocol-routes.md). These routes take
 * a raw body, need no session, guard or DTO (the TLS client certificate or the CMP message's own
 * protection authenticates the device), and their controllers already speak raw Node requests,
 * so the middleware chain added nothing but CPU on central's busiest path. Everything else,
 * including the same controllers' other routes, goes through Nest as usual.
 */
export function fieldProtocolRoutes(app: INestApplication): (req: IncomingMessage, res: ServerResponse) => boolean {
  const est = app.get(EstController, { strict: false });
  const cmp = app.get(CmpController, { strict: false });
  const log = new Logger('field-protocols');
  const run = (handler: Handler, req: IncomingMessage, res: ServerResponse): true => {
    handler(req, res).catch((err: unknown) => {
      // what the controllers do not answer themselves is a fault of ours: 500, as Nest would
      log.error(`${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (res.headersSent) return void res.destroy();
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error\n');
    });
    return true;
  };
  return (req, res) => {
    if (req.method !== 'POST' || !req.url) return false;
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    const estRoute = EST_ENROLL.exec(path);
    if (estRoute) return run(estRoute[1] === 'simpleenroll' ? (a, b) => est.simpleenroll(a, b) : (a, b) => est.simplereenroll(a, b), req, res);
    if (CMP.test(path)) return run((a, b) => cmp.post(a, b), req, res);
    return false;
  };
}

/** Put the field protocols' routes in front of a server's existing request handler (Express). */
export function serveFieldProtocolsFirst(server: HttpServer | HttpsServer, app: INestApplication): void {
  const first = fieldProtocolRoutes(app);
  const rest = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!first(req, res)) for (const handler of rest) handler.call(server, req, res);
  });
}
