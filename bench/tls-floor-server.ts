/**
 * The TLS floor beside bench/enroll: a Node HTTPS server with central's TLS settings (client
 * certificate asked for, its TLS profile, no session tickets through OPENSSL_CONF) that reads the body
 * and answers at once. Its CPU per request is what any EST server on this Node and OpenSSL pays
 * before doing any work.
 *   node dist/bench/tls-floor-server.js CERT.pem KEY.pem   (prints "READY <port>")
 */
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { CENTRAL_TLS_PROFILE } from '../src/central/tls/tls-profile.js';

const [certPath, keyPath] = process.argv.slice(2);
const server = createServer(
  { cert: readFileSync(certPath), key: readFileSync(keyPath), requestCert: true, rejectUnauthorized: false, ...CENTRAL_TLS_PROFILE },
  (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 }).end('ok\n'));
  },
);
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
