import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyChain } from '../../../src/pki/chain.js';
import { issueSubordinate, selfSignedRoot } from '../../../src/pki/ca-certificates.js';
import { encodeName } from '../../../src/pki/name.js';
import { readCertificate } from '../../../src/pki/certificate-reader.js';
import { softwareSigner } from '../../support/software-signer.js';

const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) };

function hierarchy(name: string) {
  const root = selfSignedRoot({ commonName: `${name} Root` }, softwareSigner(), validity);
  const caKey = softwareSigner();
  const subject = encodeName({ commonName: `${name} Order CA` });
  const caCert = issueSubordinate(root, { subject, spki: caKey.spki, validity, pathLen: 0 });
  const ca = { subject, certificate: caCert, keyIdentifier: readCertificate(caCert).subjectKeyIdentifier!, signer: caKey };
  const leaf = issueSubordinate(ca, { subject: encodeName({ commonName: `${name} device` }), spki: softwareSigner().spki, validity });
  return { root: root.certificate, caCert, leaf };
}

describe('pki: chain check by signature', () => {
  const good = hierarchy('Good');
  const rogue = hierarchy('Rogue');

  it('ok a chain that links up verifies, the first time and again from proven links', () => {
    verifyChain([good.leaf, good.caCert], good.root);
    verifyChain([good.leaf, good.caCert], good.root);
    verifyChain([good.caCert], good.root);
  });

  it('fail proven links do not vouch for other bytes: a foreign leaf, a foreign CA, another anchor', () => {
    verifyChain([good.leaf, good.caCert], good.root);
    assert.throws(() => verifyChain([rogue.leaf, good.caCert], good.root), /is not signed by/);
    assert.throws(() => verifyChain([good.leaf, rogue.caCert], good.root), /is not signed by/);
    assert.throws(() => verifyChain([good.leaf, good.caCert], rogue.root), /is not signed by/);
  });

  it('fail a leaf whose signature bytes were altered is refused even after its chain was proven', () => {
    verifyChain([good.leaf, good.caCert], good.root);
    const altered = Buffer.from(good.leaf);
    altered[altered.length - 3] ^= 0x01;
    assert.throws(() => verifyChain([altered, good.caCert], good.root));
  });

  it('fail an issuer that is not a CA is refused', () => {
    assert.throws(() => verifyChain([good.caCert, good.leaf], good.root), /is not a CA|is not signed by/);
  });
});
