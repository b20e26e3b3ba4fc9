import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionAll, startLine, type RunningLine } from '../../src/demo/line.js';
import { httpJson, waitUntil } from '../../src/demo/processes.js';
import { deviceFiles, estEnrollCurl, estEnrollStrongswan, newKeyAndCsr, opensslVerify } from '../../src/demo/field-clients.js';

/**
 * Field enrollment over EST (RFC 7030) with the real clients of interop.md against central's
 * HTTPS listener (TLS key in central's SoftHSM2 token): devices provisioned by the station, their
 * audit synced, then each enrolls once with its birth certificate as TLS client certificate.
 */
describe('e2e: EST greenfield enrollment with curl and strongSwan pki', () => {
  let line: RunningLine;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-est-'));
  const work = join(dir, 'work');
  let root: string;
  let opChain: string;
  const enrollments = async () => (await httpJson<unknown[]>('GET', `${line.centralUrl}/api/enrollments`, undefined, line.adminToken)).length;

  before(async () => {
    line = await startLine({ stateDir: dir, devices: 6, jigs: 2, stationSettings: { auditSyncIntervalMs: 300 } });
    const slots = await provisionAll(line, 2, 6);
    assert.equal(slots.filter((s) => s.phase === 'done').length, 6);
    await waitUntil('the audit backlog to reach central', async () => {
      const s = await httpJson<{ sync: { unsynced: number; ackedSeq: number } }>('GET', `${line.stationUrl}/api/audit`, undefined, line.operatorToken);
      return s.sync.unsynced === 0 && s.sync.ackedSeq > 0 ? true : undefined;
    }, 30_000);
    const { pem } = await httpJson<{ pem: string }>('GET', `${line.centralUrl}/api/pki/root`);
    root = join(dir, 'brand-root.pem');
    writeFileSync(root, pem);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(work, { recursive: true });
  });
  after(async () => {
    await line?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('central serves from a copy of itself with the engine configuration, jemalloc mapped and V8\'s heap growth set, and says so at boot', async () => {
    const { execFileSync } = await import('node:child_process');
    // the process the demo started only waits; the copy it started serves (src/common/process-environment.ts)
    const serving = Number(execFileSync('pgrep', ['-P', String(line.central.pid)]).toString().trim().split('\n')[0]);
    assert.ok(serving > 0, 'central started its serving copy');
    const maps = readFileSync(`/proc/${serving}/maps`, 'utf8');
    assert.match(maps, /\/libjemalloc\.so\.2$/m, 'jemalloc is mapped into the serving process');
    assert.match(readFileSync(`/proc/${serving}/environ`, 'utf8'), /OPENSSL_CONF=[^\0]*openssl-pkcs11\.cnf/);
    // V8's old generation grows to three times what a full collection kept (decision 0016)
    assert.ok(readFileSync(`/proc/${serving}/cmdline`, 'utf8').split('\0').includes('--heap-growing-percent=200'), 'the serving copy runs with the heap growth flag');
    assert.match(readFileSync(join(dir, 'logs', 'central.log'), 'utf8'), /central allocator: jemalloc \(\/\S+libjemalloc\.so\.2\)/);
  });

  it('cacerts and csrattrs answer over TLS; strongSwan pki --estca trusts the CA chain', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('pki', ['--estca', '--url', line.centralTlsUrl, '--cacert', root, '--caout', join(work, 'ca.pem'), '--outform', 'pem', '--force'], { stdio: 'pipe' });
    // pki writes the root to ca.pem and the Operational CA to ca-1.pem
    const subCa = new X509Certificate(readFileSync(join(work, 'ca-1.pem')));
    assert.match(subCa.subject, /Operational CA/);
    opChain = join(work, 'ca-1.pem');
  });

  it('TLS 1.3 with the birth certificate as client certificate; central sends no session tickets (devices never resume)', async () => {
    const { spawnSync } = await import('node:child_process');
    const f = deviceFiles(line.stateDir, line.serials[0]);
    const { port } = new URL(line.centralTlsUrl);
    const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-CAfile', root, '-cert', f.birth, '-key', f.key, '-verify_return_error', '-ign_eof', '-sess_out', join(work, 'session.pem')], {
      input: 'GET /.well-known/est/cacerts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.match(r.stdout, /Protocol *: TLSv1\.3|New, TLSv1\.3/, r.stdout + r.stderr);
    assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
    assert.match(r.stdout, /HTTP\/1\.1 200/);
    assert.doesNotMatch(r.stdout, /TLS session ticket:/, 'no session ticket was issued');
  });

  it('central picks its cipher suite (AES-128-GCM) over the client\'s AES-256-first order, yet gives ChaCha20 to a client that puts it first', async () => {
    const { spawnSync } = await import('node:child_process');
    const f = deviceFiles(line.stateDir, line.serials[0]);
    const { port } = new URL(line.centralTlsUrl);
    const negotiated = (args: string[]): string => {
      const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', root, '-cert', f.birth, '-key', f.key, '-verify_return_error', '-ign_eof', ...args], {
        input: 'GET /.well-known/est/cacerts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
        encoding: 'utf8',
        timeout: 15_000,
      });
      assert.match(r.stdout, /HTTP\/1\.1 200/, r.stdout + r.stderr);
      return /Cipher is (\S+)/.exec(r.stdout)?.[1] ?? `no cipher in: ${r.stdout}`;
    };
    assert.equal(negotiated(['-tls1_3', '-ciphersuites', 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256']), 'TLS_AES_128_GCM_SHA256');
    assert.equal(negotiated(['-tls1_3', '-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256']), 'TLS_CHACHA20_POLY1305_SHA256');
    assert.equal(negotiated(['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256']), 'ECDHE-ECDSA-AES128-GCM-SHA256');
  });

  it('curl simpleenroll with the birth certificate issues an operational certificate for the requested key', async () => {
    const f = deviceFiles(dir, line.serials[0]);
    const csr = await newKeyAndCsr(work, 'dev1-op', 'dev-1');
    const out = join(work, 'dev1-op.pem');
    const res = await estEnrollCurl({ url: line.centralTlsUrl, tlsTrust: root, clientCert: f.birth, clientKey: f.key, csrDer: csr.csrDer, out });
    assert.equal(res.httpStatus, 200, res.output);
    const cert = new X509Certificate(readFileSync(out));
    assert.match(cert.subject, new RegExp(`serialNumber=${line.serials[0]}`));
    const { createPublicKey } = await import('node:crypto');
    assert.ok(cert.publicKey.equals(createPublicKey(readFileSync(csr.key))), 'the certificate certifies the key of the CSR');
    const verified = await opensslVerify(out, root, opChain);
    assert.ok(verified.ok, verified.output);
  });

  it('strongSwan pki --est (simplereenroll with the birth certificate) is the greenfield enrollment', async () => {
    const f = deviceFiles(dir, line.serials[1]);
    const csr = await newKeyAndCsr(work, 'dev2-op', 'dev-2');
    const out = join(work, 'dev2-op.pem');
    const res = await estEnrollStrongswan({ url: line.centralTlsUrl, tlsTrust: root, clientCert: f.birth, clientKey: f.key, csrPem: csr.csrPem, out });
    assert.ok(res.ok, res.output);
    assert.match(new X509Certificate(readFileSync(out)).subject, new RegExp(`serialNumber=${line.serials[1]}`));
    assert.equal(await enrollments(), 2);
  });

  it('a second initial enrollment with another key is a clone: 403, alarm raised, nothing stored', async () => {
    const f = deviceFiles(dir, line.serials[0]);
    const csr = await newKeyAndCsr(work, 'dev1-clone', 'dev-1');
    const res = await estEnrollCurl({ url: line.centralTlsUrl, tlsTrust: root, clientCert: f.birth, clientKey: f.key, csrDer: csr.csrDer, out: join(work, 'dev1-clone.pem') });
    assert.equal(res.httpStatus, 403);
    assert.match(res.output, /clone/);
    const alarms = await httpJson<Array<{ kind: string; deviceSerial: string }>>('GET', `${line.centralUrl}/api/alarms`, undefined, line.adminToken);
    assert.ok(alarms.some((a) => a.kind === 'clone' && a.deviceSerial === line.serials[0]));
    assert.equal(await enrollments(), 2);
  });

  it('bad requests are refused clearly and change nothing (no client cert, content type, not base64, bad CSR signature, oversized)', async () => {
    const f = deviceFiles(dir, line.serials[2]);
    const csr = await newKeyAndCsr(work, 'dev3-op', 'dev-3');
    const url = `${line.centralTlsUrl}/.well-known/est/simpleenroll`;
    const { execFile } = await import('node:child_process');
    const curl = (args: string[]) => new Promise<string>((resolve) => execFile('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Expect:', '--cacert', root, ...args, url], (_e, out) => resolve(out.trim())));
    const b64 = readFileSync(csr.csrDer).toString('base64');
    const withCert = ['--cert', f.birth, '--key', f.key];
    assert.equal(await curl(['-H', 'Content-Type: application/pkcs10', '--data-binary', b64]), '401', 'no client certificate');
    assert.equal(await curl([...withCert, '-H', 'Content-Type: text/plain', '--data-binary', b64]), '415', 'wrong content type');
    assert.equal(await curl([...withCert, '-H', 'Content-Type: application/pkcs10', '--data-binary', 'not base64 at all!']), '400', 'not base64');
    const der = readFileSync(csr.csrDer);
    der[der.length - 5] ^= 0xff; // break the proof of possession
    assert.equal(await curl([...withCert, '-H', 'Content-Type: application/pkcs10', '--data-binary', der.toString('base64')]), '400', 'bad CSR signature');
    writeFileSync(join(work, 'big.b64'), 'A'.repeat(40_000));
    assert.equal(await curl([...withCert, '-H', 'Content-Type: application/pkcs10', '--data-binary', `@${join(work, 'big.b64')}`]), '413', 'oversized');
    assert.equal(await enrollments(), 2);
  });

  it('re-enrollment uses the operational certificate; a revoked device is refused', async () => {
    const op1 = join(work, 'dev1-op.pem');
    const csr = await newKeyAndCsr(work, 'dev1-next', 'dev-1');
    const renewed = await estEnrollCurl({ url: line.centralTlsUrl, tlsTrust: root, clientCert: op1, clientKey: join(work, 'dev1-op.key'), csrDer: csr.csrDer, out: join(work, 'dev1-next.pem'), operation: 'simplereenroll' });
    assert.equal(renewed.httpStatus, 200, renewed.output);
    await httpJson('POST', `${line.centralUrl}/api/devices/${line.serials[1]}/revoke`, { reason: 1 }, line.adminToken);
    const csr2 = await newKeyAndCsr(work, 'dev2-next', 'dev-2');
    const refused = await estEnrollCurl({ url: line.centralTlsUrl, tlsTrust: root, clientCert: join(work, 'dev2-op.pem'), clientKey: join(work, 'dev2-op.key'), csrDer: csr2.csrDer, out: join(work, 'dev2-next.pem'), operation: 'simplereenroll' });
    assert.equal(refused.httpStatus, 403);
    assert.match(refused.output, /revoked/);
  });

  it('OCSP (openssl ocsp, SHA-1 and SHA-256 CertIDs) and the CRL at the certificate\'s CDP tell revoked from good', async () => {
    const { execFile } = await import('node:child_process');
    const exec = (cmd: string, args: string[]) => new Promise<{ code: number; out: string }>((resolve) => execFile(cmd, args, (e, stdout, stderr) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` })));
    const good = join(work, 'dev1-next.pem');
    const revoked = join(work, 'dev2-op.pem');
    for (const extra of [[], ['-sha256']]) {
      const g = await exec('openssl', ['ocsp', '-issuer', opChain, ...extra, '-cert', good, '-url', `${line.centralUrl}/ocsp`, '-CAfile', root]);
      assert.match(g.out, /dev1-next\.pem: good/, g.out);
      assert.match(g.out, /Response verify OK/);
      const r = await exec('openssl', ['ocsp', '-issuer', opChain, ...extra, '-cert', revoked, '-url', `${line.centralUrl}/ocsp`, '-CAfile', root]);
      assert.match(r.out, /dev2-op\.pem: revoked/, r.out);
    }
    const text = await exec('openssl', ['x509', '-in', good, '-noout', '-ext', 'crlDistributionPoints']);
    const url = /URI:(\S+)/.exec(text.out)![1];
    assert.equal(url, `${line.centralUrl}/crl/operational-ca.crl`);
    const crl = Buffer.from(await (await fetch(url)).arrayBuffer());
    writeFileSync(join(work, 'op.crl'), crl);
    await exec('openssl', ['crl', '-inform', 'DER', '-in', join(work, 'op.crl'), '-out', join(work, 'op.crl.pem')]);
    writeFileSync(join(work, 'chain.pem'), readFileSync(opChain, 'utf8') + readFileSync(root, 'utf8'));
    const v1 = await exec('openssl', ['verify', '-crl_check', '-CAfile', join(work, 'chain.pem'), '-CRLfile', join(work, 'op.crl.pem'), revoked]);
    assert.match(v1.out, /error 23/, v1.out);
    const v2 = await exec('openssl', ['verify', '-crl_check', '-CAfile', join(work, 'chain.pem'), '-CRLfile', join(work, 'op.crl.pem'), good]);
    assert.match(v2.out, /: OK/, v2.out);
  });
});
