import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ensureSoftHsmToken } from '../../../src/hsm/softhsm-token.js';
import { Pkcs11Hsm } from '../../../src/hsm/pkcs11-hsm.adapter.js';
import { HSM_PORT } from '../../../src/hsm/hsm.port.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { CENTRAL_CONFIG, CentralConfig } from '../../../src/config/central-config.js';
import { openSqlite } from '../../../src/common/sqlite-database.js';
import { createHttpApp } from '../../../src/common/http-app.js';
import { WriteSerializer } from '../../../src/common/write-serializer.js';
import { CENTRAL_ENTITIES } from '../../../src/central/database/entities.js';
import { CENTRAL_MIGRATIONS } from '../../../src/central/database/migrations.js';
import { CentralPkiService } from '../../../src/central/ca/central-pki.service.js';
import { CERTIFICATE_STATUS } from '../../../src/central/enrollment/certificate-status.port.js';
import { VA_CONTROLLERS, VA_PROVIDERS } from '../../../src/central/va/va.parts.js';
import { VA_OPTIONS } from '../../../src/central/va/va.options.js';
import { VaService } from '../../../src/central/va/va.service.js';
import { OcspRespondersService } from '../../../src/central/va/ocsp-responders.service.js';
import { CrlPublisherService } from '../../../src/central/va/crl-publisher.service.js';
import { issueCertificate, randomSerial } from '../../../src/pki/certificate.js';
import { authorityKeyIdentifier, basicConstraints, extension, keyUsage, subjectKeyIdentifier } from '../../../src/pki/extensions.js';
import { parseOcspRequest } from '../../../src/pki/ocsp.js';
import { authorityInfoAccess, crlDistributionPoints } from '../../../src/pki/validation-extensions.js';
import { readCertificateDetails } from '../../../src/pki/certificate-details.js';
import { inspectCertificate } from '../../../src/pki/certificate-inspector.js';
import { encodeName } from '../../../src/pki/name.js';
import { keyIdentifierOf } from '../../../src/pki/spki.js';
import { fromPem, toPem } from '../../../src/pki/pem.js';
import { OID } from '../../../src/pki/oids.js';
import type { CaIdentity } from '../../../src/pki/ca-certificates.js';
import { softwareSigner } from '../../support/software-signer.js';
import { FakeCertificateStatus } from './va-fake-status.js';

const DAY = 24 * 3600 * 1000;
const CA = 'operational-ca';

/** Run a real client as a process (never spawnSync: the server answering it lives in this process). */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}`, stdout });
    });
  });
}

describe('central validation authority (SoftHSM2 + SQLite + HTTP, openssl and curl as clients)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'va-'));
  const work = join(dir, 'work');
  const status = new FakeCertificateStatus();
  let ds: DataSource;
  let hsm: Pkcs11Hsm;
  let pki: CentralPkiService;
  let app: INestApplication;
  let base: string;
  let ca: CaIdentity;

  /** An operational certificate naming this server in its CDP and AIA, as the enrollment profile will. */
  function device(name: string): string {
    const key = softwareSigner();
    const der = issueCertificate(
      {
        serial: randomSerial(),
        issuer: ca.subject,
        subject: encodeName({ organization: 'Acme', commonName: name }),
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 365 * DAY),
        spki: key.spki,
        extensions: [
          basicConstraints(false),
          keyUsage(['digitalSignature']),
          subjectKeyIdentifier(keyIdentifierOf(key.spki)),
          authorityKeyIdentifier(ca.keyIdentifier),
          crlDistributionPoints(`${base}/crl/${CA}.crl`),
          authorityInfoAccess({ ocsp: `${base}/ocsp`, caIssuers: `${base}/ca/${CA}.cer` }),
        ],
      },
      ca.signer,
    );
    writeFileSync(join(work, `${name}.pem`), toPem(der));
    return readCertificateDetails(der).serialHex.replace(/^0+/, '');
  }

  const ocsp = (...args: string[]) => run('openssl', ['ocsp', '-issuer', 'ca.pem', '-url', `${base}/ocsp`, '-CAfile', 'root.pem', ...args], work);
  const curl = (...args: string[]) => run('curl', ['-sS', ...args], work);
  const crlNumberOf = async (file: string) => {
    const r = await run('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-crlnumber'], work);
    return Number.parseInt(/crlNumber=(?:0x)?([0-9A-Fa-f]+)/.exec(r.out)![1], 16);
  };
  const fetchCrl = async (file = 'ca.crl') => {
    const r = await curl('--fail', '-o', file, `${base}/crl/${CA}.crl`);
    assert.equal(r.code, 0, r.out);
    await run('openssl', ['crl', '-inform', 'DER', '-in', file, '-out', `${file}.pem`], work);
    return crlNumberOf(file);
  };
  const verify = (cert: string, crlPem = 'ca.crl.pem') => run('openssl', ['verify', '-crl_check', '-CAfile', 'chain.pem', '-CRLfile', crlPem, cert], work);

  before(async () => {
    const token = await ensureSoftHsmToken({ dir: join(dir, 'hsm'), tokenLabel: 'central', pin: '1234', soPin: '5678' });
    const config = validateConfig(CentralConfig, {
      databasePath: join(dir, 'central.db'),
      http: { port: 0 },
      hsm: { modulePath: token.modulePath, tokenLabel: 'central', pin: '1234' },
      brand: { organization: 'Acme', rootCommonName: 'Acme Root' },
      adminToken: 'admin',
      stations: [],
    });
    hsm = Pkcs11Hsm.open(config.hsm);
    ds = await openSqlite(config.databasePath, CENTRAL_ENTITIES, CENTRAL_MIGRATIONS);
    pki = new CentralPkiService(ds, hsm, config);
    await pki.bootstrap();
    ca = await pki.caIdentity(CA);

    @Module({
      controllers: VA_CONTROLLERS,
      providers: [
        { provide: DataSource, useValue: ds },
        { provide: HSM_PORT, useValue: hsm },
        { provide: CENTRAL_CONFIG, useValue: config },
        { provide: CentralPkiService, useValue: pki },
        { provide: CERTIFICATE_STATUS, useValue: status },
        { provide: VA_OPTIONS, useValue: { cas: [CA], refreshIntervalMs: 0 } },
        WriteSerializer,
        ...VA_PROVIDERS,
      ],
    })
    class VaTestModule {}

    app = await createHttpApp(VaTestModule);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');

    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const mgmt = await pki.caIdentity('management-ca');
    writeFileSync(join(work, 'root.pem'), toPem(pki.rootCertificate()));
    writeFileSync(join(work, 'ca.pem'), toPem(ca.certificate));
    writeFileSync(join(work, 'chain.pem'), toPem(pki.rootCertificate()) + toPem(ca.certificate));
    writeFileSync(join(work, 'mgmt.pem'), toPem(mgmt.certificate));
    status.good(CA, device('good'));
    status.revoke(CA, device('revoked'), new Date(Date.now() - DAY), 1);
    device('unknown');
    status.good(CA, device('later-revoked'));
  });

  after(async () => {
    await app?.close();
    await ds?.destroy();
    hsm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ok openssl ocsp: good, with a nonce that comes back and verifies, signed by the delegated responder', async () => {
    const r = await ocsp('-cert', 'good.pem', '-reqout', 'req.der', '-respout', 'resp.der', '-resp_text');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Response verify OK/);
    assert.match(r.out, /good\.pem: good/);
    assert.doesNotMatch(r.out, /WARNING: no nonce|Nonce Verify error/);
    // the nonce echoed byte for byte: openssl's OCTET STRING inside the extnValue OCTET STRING
    const nonce = parseOcspRequest(readFileSync(join(work, 'req.der'))).nonce!;
    assert.equal(nonce[0], 0x04);
    assert.ok(readFileSync(join(work, 'resp.der')).includes(extension(OID.ocspNonce, false, nonce)));
    assert.match(r.out, /OCSP Nonce/);
    assert.match(r.out, /Responder Id: [0-9A-F]{40}/);
    assert.match(r.out, /OCSP Signing/);
    assert.match(r.out, /OCSP No Check/);
  });

  it('ok openssl ocsp: revoked with time and reason, unknown for a serial central never recorded', async () => {
    const revoked = await ocsp('-cert', 'revoked.pem');
    assert.equal(revoked.code, 0, revoked.out);
    assert.match(revoked.out, /revoked\.pem: revoked/);
    assert.match(revoked.out, /Reason: keyCompromise/);
    assert.match(revoked.out, /Revocation Time: /);
    const unknown = await ocsp('-cert', 'unknown.pem');
    assert.equal(unknown.code, 0, unknown.out);
    assert.match(unknown.out, /unknown\.pem: unknown/);
    assert.match(unknown.out, /Response verify OK/);
  });

  it('ok SHA-256 CertIDs without a nonce, several certificates in one request', async () => {
    const r = await ocsp('-sha256', '-no_nonce', '-cert', 'good.pem', '-cert', 'revoked.pem', '-cert', 'unknown.pem', '-respout', 'resp.der');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Response verify OK/);
    assert.match(r.out, /good\.pem: good/);
    assert.match(r.out, /revoked\.pem: revoked/);
    assert.match(r.out, /unknown\.pem: unknown/);
    assert.ok(!readFileSync(join(work, 'resp.der')).toString('hex').includes('2b0601050507300102'), 'no nonce extension when none was asked');
  });

  it('ok the URLs in the issued certificate are the ones served: AIA OCSP answers, caIssuers and CDP download', async () => {
    const uri = (await run('openssl', ['x509', '-in', 'good.pem', '-noout', '-ocsp_uri'], work)).stdout.trim();
    assert.equal(uri, `${base}/ocsp`);
    const text = (await run('openssl', ['x509', '-in', 'good.pem', '-noout', '-text'], work)).stdout;
    const caIssuers = /CA Issuers - URI:(\S+)/.exec(text)![1];
    const cdp = /Full Name:\s+URI:(\S+)/.exec(text)![1];
    const cer = await curl('--fail', '-D', 'headers.txt', '-o', 'issuer.cer', caIssuers);
    assert.equal(cer.code, 0, cer.out);
    assert.deepEqual(readFileSync(join(work, 'issuer.cer')), ca.certificate);
    assert.match(readFileSync(join(work, 'headers.txt'), 'utf8'), /content-type: application\/pkix-cert/i);
    const crl = await curl('--fail', '-D', 'headers.txt', '-o', 'cdp.crl', cdp);
    assert.equal(crl.code, 0, crl.out);
    assert.match(readFileSync(join(work, 'headers.txt'), 'utf8'), /content-type: application\/pkix-crl/i);
    assert.equal((await curl('-o', '/dev/null', '-w', '%{http_code}', `${base}/ca/brand-root.cer`)).stdout, '200');
    assert.equal((await curl('-o', '/dev/null', '-w', '%{http_code}', `${base}/ca/quota-signer.cer`)).stdout, '404');
    assert.equal((await curl('-o', '/dev/null', '-w', '%{http_code}', `${base}/crl/nope.crl`)).stdout, '404');
    assert.equal((await curl('-o', '/dev/null', '-w', '%{http_code}', `${base}/crl/${CA}.pem`)).stdout, '404');
  });

  it('ok GET (RFC 6960 A.1) with curl: the URL-encoded base64 request, a cacheable answer openssl verifies', async () => {
    await run('openssl', ['ocsp', '-issuer', 'ca.pem', '-cert', 'revoked.pem', '-no_nonce', '-reqout', 'get-req.der'], work);
    const b64 = readFileSync(join(work, 'get-req.der')).toString('base64');
    const r = await curl('--fail', '-D', 'headers.txt', '-o', 'get-resp.der', `${base}/ocsp/${encodeURIComponent(b64)}`);
    assert.equal(r.code, 0, r.out);
    const headers = readFileSync(join(work, 'headers.txt'), 'utf8');
    assert.match(headers, /content-type: application\/ocsp-response/i);
    assert.match(headers, /cache-control: max-age=\d+, public, no-transform, must-revalidate/i);
    const v = await run('openssl', ['ocsp', '-respin', 'get-resp.der', '-issuer', 'ca.pem', '-cert', 'revoked.pem', '-CAfile', 'root.pem', '-no_nonce'], work);
    assert.match(v.out, /Response verify OK/);
    assert.match(v.out, /revoked\.pem: revoked/);
    // the same request with its '/' and '+' left raw in the path is read too
    const raw = await curl('--fail', '-o', 'get-raw.der', '--path-as-is', `${base}/ocsp/${b64}`);
    assert.equal(raw.code, 0, raw.out);
    const rawCheck = await run('openssl', ['ocsp', '-respin', 'get-raw.der', '-issuer', 'ca.pem', '-cert', 'revoked.pem', '-CAfile', 'root.pem', '-no_nonce'], work);
    assert.match(rawCheck.out, /revoked\.pem: revoked/);
  });

  it('fail a certificate of a CA this responder does not serve: unauthorized', async () => {
    const key = softwareSigner();
    const mgmt = await pki.caIdentity('management-ca');
    const der = issueCertificate(
      { serial: randomSerial(), issuer: mgmt.subject, subject: encodeName({ commonName: 'not ours' }), notBefore: new Date(), notAfter: new Date(Date.now() + DAY), spki: key.spki, extensions: [basicConstraints(false)] },
      mgmt.signer,
    );
    writeFileSync(join(work, 'foreign.pem'), toPem(der));
    const r = await run('openssl', ['ocsp', '-issuer', 'mgmt.pem', '-cert', 'foreign.pem', '-url', `${base}/ocsp`, '-CAfile', 'root.pem'], work);
    assert.match(r.out, /Responder Error: unauthorized \(6\)/);
  });

  it('fail garbage, oversized, empty and undecodable requests get a clean malformedRequest, HTTP 200', async () => {
    const malformed = Buffer.from('30030a0101', 'hex');
    writeFileSync(join(work, 'garbage.bin'), Buffer.from('not an OCSP request at all'));
    writeFileSync(join(work, 'big.bin'), Buffer.alloc(100_000, 0x30));
    writeFileSync(join(work, 'empty.bin'), Buffer.alloc(0));
    const posts: string[][] = [
      ['-H', 'Content-Type: application/ocsp-request', '--data-binary', '@garbage.bin'],
      ['-H', 'Content-Type: application/ocsp-request', '--data-binary', '@big.bin'],
      ['-H', 'Content-Type: application/ocsp-request', '--data-binary', '@empty.bin'],
      ['-H', 'Content-Type: text/plain', '--data-binary', '@garbage.bin'],
      ['-H', 'Content-Type: application/x-www-form-urlencoded', '--data-binary', 'a=b'],
    ];
    for (const args of posts) {
      const r = await curl('-D', 'headers.txt', '-o', 'bad.der', '-w', '%{http_code}', ...args, `${base}/ocsp`);
      assert.equal(r.stdout, '200', `${args.join(' ')}: ${r.out}`);
      assert.deepEqual(readFileSync(join(work, 'bad.der')), malformed, args.join(' '));
      assert.match(readFileSync(join(work, 'headers.txt'), 'utf8'), /content-type: application\/ocsp-response/i);
    }
    for (const path of ['not-base64!', '%21%21', 'AAAA', 'MAA%3D', 'QUFB'.repeat(3000)]) {
      const r = await curl('-o', 'bad.der', '-w', '%{http_code}', '--path-as-is', `${base}/ocsp/${path}`);
      assert.equal(r.stdout, '200', path);
      assert.deepEqual(readFileSync(join(work, 'bad.der')), malformed, path);
    }
    // a URL that is not one (broken percent-encoding) is refused by the HTTP router itself (RFC 3986)
    assert.equal((await curl('-o', '/dev/null', '-w', '%{http_code}', '--path-as-is', `${base}/ocsp/%E0%A4%A`)).stdout, '400');
    // the server is still well after all that
    assert.match((await ocsp('-cert', 'good.pem')).out, /good\.pem: good/);
  });

  it('fail the status store failing: internalError, and answers again once it is back', async () => {
    status.broken = true;
    try {
      assert.match((await ocsp('-cert', 'good.pem')).out, /Responder Error: internalerror \(2\)/);
    } finally {
      status.broken = false;
    }
    assert.match((await ocsp('-cert', 'good.pem')).out, /good\.pem: good/);
  });

  it('ok the CRL: openssl verify -crl_check gives error 23 for the revoked certificate and OK for a good one', async () => {
    await fetchCrl();
    const text = (await run('openssl', ['crl', '-in', 'ca.crl.pem', '-noout', '-text'], work)).stdout;
    assert.match(text, /Version 2/);
    assert.match(text, /Key Compromise/);
    const revoked = await verify('revoked.pem');
    assert.notEqual(revoked.code, 0);
    assert.match(revoked.out, /error 23 at 0 depth lookup: certificate revoked/);
    const good = await verify('good.pem');
    assert.equal(good.code, 0, good.out);
    assert.match(good.out, /good\.pem: OK/);
  });

  it('ok a new revocation: invalidate gives the next CRL number, the CRL lists it, OCSP says revoked; the number survives a restart', async () => {
    const before = await fetchCrl();
    assert.equal(await fetchCrl('again.crl'), before, 'an unchanged CRL is not reissued on every download');
    status.revoke(CA, readCertificateDetails(fromPemFile(join(work, 'later-revoked.pem'))).serialHex, new Date(), 4);
    const published = await app.get(VaService).invalidate(CA);
    assert.equal(published.crlNumber, before + 1);
    assert.equal(await fetchCrl(), before + 1);
    const v = await verify('later-revoked.pem');
    assert.match(v.out, /error 23 at 0 depth lookup: certificate revoked/);
    assert.match((await ocsp('-cert', 'later-revoked.pem')).out, /later-revoked\.pem: revoked[\s\S]*Reason: superseded/);
    // a second node (or a restart) over the same database continues the sequence
    const other = new CrlPublisherService(ds, pki, new WriteSerializer(), status, { cas: [CA] });
    assert.equal((await other.current(CA)).crlNumber, before + 1);
    assert.equal((await other.invalidate(CA)).crlNumber, before + 2);
  });

  it('ok the responder: key ocsp-responder-operational-ca in the token, certificate stored, EKU OCSPSigning, nocheck, short validity', async () => {
    const [row] = await ds.query(`SELECT name, key_label, certificate FROM ca_certificate WHERE name = 'ocsp-responder-${CA}'`);
    assert.equal(row.key_label, `ocsp-responder-${CA}`);
    assert.ok(hsm.listKeyLabels().includes(`ocsp-responder-${CA}`));
    const cert = inspectCertificate(row.certificate);
    assert.deepEqual(cert.keyUsage, ['digitalSignature']);
    assert.equal(cert.basicConstraints?.ca ?? false, false);
    assert.ok(cert.extensionOids.includes(OID.ocspNoCheck));
    assert.ok(cert.extensionOids.includes(OID.extKeyUsage));
    const details = readCertificateDetails(row.certificate);
    const days = (details.notAfter.getTime() - details.notBefore.getTime()) / DAY;
    assert.ok(days > 29 && days < 31, `validity ${days} days`);
    assert.deepEqual(details.issuer, ca.subject);
  });

  it('ok the responder certificate is reissued before it expires, for the same key, and stored', async () => {
    const responders = app.get(OcspRespondersService);
    const [{ certificate: first }] = await ds.query(`SELECT certificate FROM ca_certificate WHERE name = 'ocsp-responder-${CA}'`);
    const firstDetails = readCertificateDetails(first);
    const sameDay = await responders.responder(CA, new Date(Date.now() + DAY));
    assert.deepEqual(Buffer.from(sameDay.certificate), Buffer.from(first), 'far from expiry: kept');
    const late = new Date(firstDetails.notAfter.getTime() - 5 * DAY);
    const renewed = await responders.responder(CA, late);
    const d = readCertificateDetails(renewed.certificate);
    assert.notEqual(d.serialHex, firstDetails.serialHex);
    assert.ok(d.notAfter.getTime() > firstDetails.notAfter.getTime() + 20 * DAY);
    assert.ok(d.spki.equals(firstDetails.spki), 'same key in the token');
    const [{ certificate: stored }] = await ds.query(`SELECT certificate FROM ca_certificate WHERE name = 'ocsp-responder-${CA}'`);
    assert.deepEqual(Buffer.from(stored), Buffer.from(renewed.certificate));
  });
});

function fromPemFile(path: string): Buffer {
  return fromPem(readFileSync(path, 'utf8'));
}
