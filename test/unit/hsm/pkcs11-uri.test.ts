import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/common/domain-error.js';
import { hsmConfigFromUri, parsePkcs11Uri } from '../../../src/hsm/pkcs11-uri.js';

describe('pkcs11: URIs (RFC 7512)', () => {
  it('ok parses token, module-path and pin-value with percent-decoding', () => {
    assert.deepEqual(parsePkcs11Uri('pkcs11:token=Birthcert%20Station?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=12%2634'), {
      tokenLabel: 'Birthcert Station',
      modulePath: '/usr/lib/softhsm/libsofthsm2.so',
      pin: '12&34',
    });
    assert.deepEqual(parsePkcs11Uri('pkcs11:token=line-3'), { tokenLabel: 'line-3' });
  });

  it('ok hsmConfigFromUri reads the PIN from a pin-source file and fills defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pkcs11-uri-'));
    try {
      const pinFile = join(dir, 'pin');
      await writeFile(pinFile, '5551234\n');
      assert.deepEqual(hsmConfigFromUri(`pkcs11:token=t?pin-source=file:${pinFile}`, { modulePath: '/m.so' }), {
        modulePath: '/m.so', tokenLabel: 't', pin: '5551234',
      });
      assert.deepEqual(hsmConfigFromUri('pkcs11:token=t?module-path=/x.so', { pin: 'fromenv' }), {
        modulePath: '/x.so', tokenLabel: 't', pin: 'fromenv',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fail malformed or unsupported URIs are refused without echoing values', () => {
    const cases: [string, RegExp][] = [
      ['token=x', /must start with "pkcs11:"/],
      ['pkcs11:module-path=/x.so', /not supported/],
      ['pkcs11:?pin-value=1234', /must name the token/],
      ['pkcs11:token=a;token=b', /appears twice/],
      ['pkcs11:token=a;serial=99', /"serial" is not supported/],
      ['pkcs11:token=a?pin-value=9876&pin-source=/p', /both pin-value and pin-source/],
      ['pkcs11:token=a?pin-value=%zz9876', /bad percent-encoding/],
    ];
    for (const [uri, why] of cases) {
      assert.throws(() => parsePkcs11Uri(uri), (err: unknown) => {
        assert.ok(err instanceof ConfigError, uri);
        assert.match(err.message, why);
        assert.ok(!err.message.includes('9876'), 'no value in the message');
        return true;
      });
    }
    assert.throws(() => hsmConfigFromUri('pkcs11:token=t'), /module path missing/);
    assert.throws(() => hsmConfigFromUri('pkcs11:token=t?module-path=/x.so'), /PIN missing/);
    assert.throws(() => hsmConfigFromUri('pkcs11:token=t?module-path=/x.so&pin-source=relative/pin'), /absolute path/);
    assert.throws(() => hsmConfigFromUri('pkcs11:token=t?module-path=/x.so&pin-source=/nonexistent/pin'), /ENOENT/);
  });
});
