import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { CmpMalformedError, CmpRejectedError } from '../../../../src/pki/cmp/cmp.errors.js';
import { decodePkiMessage } from '../../../../src/pki/cmp/pki-message.js';
import { verifySignatureProtection } from '../../../../src/pki/cmp/cmp-protection.js';
import { decodeCertReqMessages, verifyProofOfPossession } from '../../../../src/pki/cmp/crmf-request.js';
import {
  decodeCertConfirmContent,
  decodeGenMsgContent,
  decodeP10cr,
  decodePollReqContent,
  decodeRevReqContent,
} from '../../../../src/pki/cmp/cmp-requests.js';
import { expectedCertHash } from '../../../../src/pki/cmp/cert-hash.js';
import { readCertificate } from '../../../../src/pki/certificate-reader.js';
import { verifyCsr } from '../../../../src/pki/csr.js';
import { KEY_ALGORITHMS } from '../../../../src/pki/key-algorithm.js';
import { encodeName } from '../../../../src/pki/name.js';
import { OID } from '../../../../src/pki/oids.js';
import { readTlv } from '../../../../src/pki/der/der-reader.js';
import { CmpTestPki, OpensslFiles } from './cmp-test-pki.js';
import { opensslCmp } from './openssl-cmp.js';

/**
 * Messages produced by the real `openssl cmp` client against its own in-process mock server
 * (-use_mock_srv: no socket), captured with -reqout, decoded and checked here.
 */
describe('CMP codec on messages from openssl cmp', () => {
  const pki = new CmpTestPki();
  const files = new OpensslFiles();
  const birth = pki.birthCertificate('SN0001');
  const newKey = files.newKey('op.key');
  const op = pki.issueOperational(encodeName({ commonName: 'dev-0001' }), newKey.signer.spki);
  const msg = (name: string) => decodePkiMessage(readFileSync(files.path(name)));
  let mock: string[];

  before(async () => {
    mock = [
      '-use_mock_srv',
      '-srv_cert', files.certs('srv.pem', pki.responseSigner.certificate),
      '-srv_key', files.key('srv.key', pki.responseSigner.signer),
      '-srv_trusted', files.certs('root.pem', pki.root.certificate),
      '-trusted', files.path('root.pem'),
      '-srv_untrusted', files.certs('cas.pem', pki.orderCa.certificate, pki.operationalCa.certificate),
      '-rsp_cert', files.certs('op.pem', op.certificate),
    ];
    const birthArgs = ['-cert', files.certs('birth.pem', birth.certificate), '-key', files.key('birth.key', birth.signer)];
    const opArgs = ['-cert', files.path('op.pem'), '-key', newKey.path];
    const runs = [
      ['-cmd', 'ir', ...birthArgs, '-extracerts', files.certs('birth-chain.pem', pki.orderCa.certificate, pki.root.certificate),
        '-subject', '/CN=dev-0001', '-newkey', newKey.path, '-reqout', `${files.path('ir.der')},${files.path('ir-certconf.der')}`],
      ['-cmd', 'cr', ...opArgs, '-implicit_confirm', '-grant_implicitconf', '-reqout', files.path('cr.der')],
      ['-cmd', 'kur', ...opArgs, '-newkey', newKey.path, '-reqout', files.path('kur.der')],
      ['-cmd', 'rr', ...opArgs, '-oldcert', files.path('op.pem'), '-revreason', '4', '-reqout', files.path('rr.der')],
      ['-cmd', 'genm', ...opArgs, '-infotype', 'caCerts', '-reqout', files.path('genm.der')],
      ['-cmd', 'cr', ...opArgs, '-poll_count', '1', '-check_after', '0', '-reqout', `${files.path('pcr.der')},${files.path('pollreq.der')}`],
    ];
    for (const args of runs) {
      const r = await opensslCmp([...mock, ...args, '-certout', files.path('out.pem')]);
      assert.equal(r.code, 0, r.output);
    }
  });
  after(() => rmSync(files.dir, { recursive: true, force: true }));

  it('ok ir protected by the birth certificate: header, protection, template and POP', () => {
    const ir = msg('ir.der');
    assert.equal(ir.bodyType, 'ir');
    assert.equal(ir.header.pvno, 2);
    assert.equal(ir.header.transactionId?.length, 16);
    assert.equal(ir.header.senderNonce?.length, 16);
    assert.equal(ir.header.protectionAlgOid, OID.ecdsaWithSha256);
    assert.deepEqual(ir.header.senderName, readCertificate(birth.certificate).subject);
    assert.deepEqual(ir.extraCerts, [birth.certificate, pki.orderCa.certificate, pki.root.certificate]);
    assert.deepEqual(verifySignatureProtection(ir), birth.certificate);
    const [req, more] = decodeCertReqMessages(ir.der, ir.body);
    assert.equal(more, undefined);
    assert.equal(req.certReqId, 0);
    assert.deepEqual(req.template.publicKey, Buffer.from(newKey.signer.spki));
    assert.match(req.template.subject!.toString('latin1'), /dev-0001/);
    verifyProofOfPossession(req);
  });

  it('ok certConf carries the SHA-256 hash of the issued certificate and certReqId 0', () => {
    const conf = msg('ir-certconf.der');
    assert.equal(conf.bodyType, 'certConf');
    assert.deepEqual(conf.header.transactionId, msg('ir.der').header.transactionId);
    const [status] = decodeCertConfirmContent(conf.der, conf.body);
    assert.equal(status.certReqId, 0);
    assert.equal(status.statusInfo?.status ?? 'accepted', 'accepted');
    assert.deepEqual(status.certHash, expectedCertHash(op.certificate));
  });

  it('ok cr asking for implicit confirmation', () => {
    const cr = msg('cr.der');
    assert.equal(cr.bodyType, 'cr');
    assert.ok(cr.header.generalInfo.some((i) => i.type === OID.itImplicitConfirm));
    verifyProofOfPossession(decodeCertReqMessages(cr.der, cr.body)[0]);
  });

  it('ok kur names the old certificate (id-regCtrl-oldCertID)', () => {
    const kur = msg('kur.der');
    assert.equal(kur.bodyType, 'kur');
    const [req] = decodeCertReqMessages(kur.der, kur.body);
    assert.equal(req.oldCertId?.serialHex, op.serialHex);
    verifyProofOfPossession(req);
  });

  it('ok rr names issuer, serial and reason', () => {
    const rr = msg('rr.der');
    const [details] = decodeRevReqContent(rr.der, rr.body);
    assert.equal(details.template.serialHex, op.serialHex);
    assert.deepEqual(details.template.issuer, pki.operationalCa.subject);
    assert.equal(details.reasonCode, 4);
  });

  it('ok genm asks for id-it-caCerts; pollReq names certReqId 0', () => {
    const genm = msg('genm.der');
    assert.deepEqual(decodeGenMsgContent(genm.der, genm.body).map((i) => i.type), [OID.itCaCerts]);
    const poll = msg('pollreq.der');
    assert.equal(poll.bodyType, 'pollReq');
    assert.deepEqual(decodePollReqContent(poll.der, poll.body), [0]);
  });

  it('ok p10cr: the CSR verifies and its certConf uses certReqId -1', async () => {
    const csr = files.path('p10.csr');
    const { spawnSync } = await import('node:child_process');
    assert.equal(spawnSync('openssl', ['req', '-new', '-key', newKey.path, '-subj', '/CN=dev-0001', '-out', csr]).status, 0);
    const r = await opensslCmp([...mock, '-cmd', 'p10cr', '-cert', files.path('op.pem'), '-key', newKey.path, '-csr', csr,
      '-reqout', `${files.path('p10cr.der')},${files.path('p10conf.der')}`, '-certout', files.path('out.pem')]);
    assert.equal(r.code, 0, r.output);
    const p10 = msg('p10cr.der');
    const { csr: der } = decodeP10cr(p10.der, p10.body);
    assert.deepEqual(verifyCsr(der, KEY_ALGORITHMS).spki, Buffer.from(newKey.signer.spki));
    const conf = msg('p10conf.der');
    assert.equal(decodeCertConfirmContent(conf.der, conf.body)[0].certReqId, -1);
  });

  it('fail every truncation of an ir is a CmpMalformedError, with the header once it is complete', () => {
    const der = readFileSync(files.path('ir.der'));
    const headerEnd = readTlv(der, readTlv(der, 0).contentStart).end;
    for (let n = 0; n < der.length; n++) {
      assert.throws(() => decodePkiMessage(der.subarray(0, n)), (err: unknown) => {
        assert.ok(err instanceof CmpMalformedError, `length ${n}: ${String(err)}`);
        if (n >= headerEnd) assert.ok(err.header?.transactionId, `length ${n}: header expected`);
        return true;
      });
    }
  });

  it('fail garbage and wrong structures are CmpMalformedError', () => {
    for (const bad of [Buffer.alloc(0), Buffer.from('hello world'), Buffer.from([0x30, 0x00]), Buffer.from([0x30, 0x03, 0x02, 0x01, 0x02])]) {
      assert.throws(() => decodePkiMessage(bad), CmpMalformedError);
    }
    const der = Buffer.from(readFileSync(files.path('ir.der')));
    der[readTlv(der, readTlv(der, 0).contentStart).end] = 0xbe; // [30]: a body tag no CMP version defines
    assert.throws(() => decodePkiMessage(der), CmpMalformedError);
  });

  it('fail a changed signature or a changed body breaks the protection (badMessageCheck)', () => {
    const der = readFileSync(files.path('ir.der'));
    const sig = Buffer.from(der);
    sig[sig.indexOf(Buffer.from([0xa0, 0x4a, 0x03, 0x48, 0x00])) + 20] ^= 0x01;
    const body = Buffer.from(der);
    const cn = body.indexOf(Buffer.from('dev-0001'));
    body[cn] = 'x'.charCodeAt(0);
    for (const tampered of [sig, body]) {
      assert.throws(() => verifySignatureProtection(decodePkiMessage(tampered)), (err: unknown) => {
        assert.ok(err instanceof CmpRejectedError);
        assert.ok(err.failInfo.includes('badMessageCheck'));
        return true;
      });
    }
  });
});
