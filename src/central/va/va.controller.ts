import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_OCSP_REQUEST_BYTES } from '../../pki/ocsp.js';
import { VaService, type OcspAnswer } from './va.service.js';
import { VaUnknownCaError } from './va.errors.js';
import { CA_NAME } from './va.options.js';

/** What Express adds to the request that this controller reads. */
type HttpRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The URLs issued certificates name (docs/validation.md): no authentication, as relying parties
 * are anyone. OCSP over HTTP as RFC 6960 Appendix A.1: POST with the DER body, or GET with the
 * URL-encoded base64 request as the last path part; every answer is an OCSPResponse with HTTP 200.
 */
@Controller()
export class VaController {
  constructor(private readonly va: VaService) {}

  @Post('ocsp')
  async ocspPost(@Req() req: HttpRequest, @Res() res: ServerResponse): Promise<void> {
    const body = await requestBody(req, MAX_OCSP_REQUEST_BYTES);
    // an oversized or pre-parsed body: answered at once, and the rest of the upload is not waited for
    if (body === null) res.setHeader('Connection', 'close');
    sendOcsp(res, await this.va.ocsp(body ?? Buffer.alloc(0)), false);
  }

  @Get('ocsp/*request')
  async ocspGet(@Req() req: HttpRequest, @Res() res: ServerResponse): Promise<void> {
    sendOcsp(res, await this.va.ocsp(getRequestBytes(req.originalUrl ?? req.url ?? '')), true);
  }

  @Get('crl/:file')
  async crl(@Param('file') file: string, @Res() res: ServerResponse): Promise<void> {
    const crl = await this.va.crl(caNameOf(file, '.crl'));
    res.setHeader('Last-Modified', crl.thisUpdate.toUTCString());
    res.setHeader('Expires', crl.nextUpdate.toUTCString());
    send(res, 'application/pkix-crl', crl.der);
  }

  @Get('ca/:file')
  async caCertificate(@Param('file') file: string, @Res() res: ServerResponse): Promise<void> {
    send(res, 'application/pkix-cert', await this.va.caCertificate(caNameOf(file, '.cer')));
  }
}

function caNameOf(file: string, suffix: string): string {
  const name = file.endsWith(suffix) ? file.slice(0, -suffix.length) : '';
  if (!CA_NAME.test(name)) throw new VaUnknownCaError(`no such file ${JSON.stringify(file)}`);
  return name;
}

function send(res: ServerResponse, type: string, der: Buffer): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', der.length);
  res.end(der);
}

/** RFC 5019 §6.2: GET answers without a nonce may be cached until their nextUpdate. */
function sendOcsp(res: ServerResponse, answer: OcspAnswer, viaGet: boolean): void {
  if (viaGet && answer.cacheable) {
    const { thisUpdate, nextUpdate } = answer.cacheable;
    const maxAge = Math.max(0, Math.floor((nextUpdate.getTime() - Date.now()) / 1000));
    res.setHeader('Cache-Control', `max-age=${maxAge}, public, no-transform, must-revalidate`);
    res.setHeader('Last-Modified', thisUpdate.toUTCString());
    res.setHeader('Expires', nextUpdate.toUTCString());
  } else {
    res.setHeader('Cache-Control', 'no-store');
  }
  send(res, 'application/ocsp-response', answer.der);
}

/**
 * RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}. The base64
 * may hold '/' raw or as %2F, so the path is read whole. Anything undecodable becomes an empty
 * request, which the service answers with malformedRequest.
 */
function getRequestBytes(url: string): Buffer {
  const path = url.split('?')[0] ?? '';
  const encoded = path.slice(path.indexOf('/ocsp/') + '/ocsp/'.length);
  let b64: string;
  try {
    b64 = decodeURIComponent(encoded);
  } catch {
    return Buffer.alloc(0);
  }
  if (b64.length > Math.ceil(MAX_OCSP_REQUEST_BYTES / 3) * 4 + 4 || !BASE64.test(b64)) return Buffer.alloc(0);
  return Buffer.from(b64, 'base64');
}

/**
 * The raw body, up to `limit` bytes. null when it is larger (by Content-Length or as it arrives)
 * or was already consumed by a JSON/form parser (not an OCSP request, whatever it is).
 */
function requestBody(req: HttpRequest, limit: number): Promise<Buffer | null> {
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body.length <= limit ? req.body : null);
  if (req.body !== undefined || req.readableEnded) return Promise.resolve(null);
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
