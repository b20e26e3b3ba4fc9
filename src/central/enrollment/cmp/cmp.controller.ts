import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CmpService } from './cmp.service.js';
import { CMP_OPTIONS, type CmpOptions } from './cmp.options.js';

export const CMP_CONTENT_TYPE = 'application/pkixcmp';

type Body = { kind: 'ok'; der: Buffer } | { kind: 'too-large'; bytes: number };

/**
 * CMP over HTTP (RFC 6712, RFC 9483 §6.1): POST a DER PKIMessage with Content-Type
 * application/pkixcmp to /.well-known/cmp, /.well-known/cmp/p/<label> or /cmp. Every
 * message that can be answered gets HTTP 200 and a CMP answer (`openssl cmp` refuses any
 * other status); only a body that is not CMP at all gets a plain HTTP error.
 */
@Controller()
export class CmpController {
  constructor(
    private readonly cmp: CmpService,
    @Inject(CMP_OPTIONS) private readonly options: CmpOptions,
  ) {}

  @Post(['.well-known/cmp', '.well-known/cmp/p/:label', 'cmp'])
  async post(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== CMP_CONTENT_TYPE) {
      req.resume();
      return plain(res, 415, `CMP requests must be sent with Content-Type: ${CMP_CONTENT_TYPE} (RFC 6712 §3.4), got ${mediaType || 'none'}`);
    }
    const body = await readBody(req, this.options.maxMessageBytes);
    if (body.kind === 'too-large') return plain(res, 413, `CMP message of ${body.bytes} bytes exceeds the limit of ${this.options.maxMessageBytes} bytes`);
    const answer = await this.cmp.handle(body.der);
    res.writeHead(answer.httpStatus, { 'content-type': CMP_CONTENT_TYPE, 'content-length': answer.body.length, 'cache-control': 'no-store' });
    res.end(answer.body);
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

/**
 * Read the request body up to `limit` bytes. Beyond it the rest is drained and dropped (so the
 * client reads the 413 instead of a reset connection), and dropped outright past 16× the limit.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit && !(declared > limit)) chunks.push(chunk);
      else if (bytes > 16 * limit) {
        resolve({ kind: 'too-large', bytes });
        req.destroy();
      }
    });
    req.on('end', () => resolve(bytes > limit ? { kind: 'too-large', bytes } : { kind: 'ok', der: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}
