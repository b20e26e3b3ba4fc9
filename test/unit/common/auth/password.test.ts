import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generatePassword, hashPassword, verifyPassword } from '../../../../src/common/auth/password.js';

describe('passwords (scrypt, per-user salt)', () => {
  it('ok the right password verifies; a wrong one does not', async () => {
    const stored = await hashPassword('correct horse battery');
    assert.match(stored, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('ok the same password hashes differently each time (its own salt)', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
    assert.notEqual(a, b);
    assert.notEqual(a.split('$')[4], b.split('$')[4]);
    assert.equal(await verifyPassword('same password!', b), true);
  });

  it('ok a password typed in another Unicode form still matches (NFC)', async () => {
    const stored = await hashPassword('Grüße-Zürich'); // precomposed ü
    assert.equal(await verifyPassword('Gru\u0308ße-Zu\u0308rich', stored), true);
  });

  it('fail a stored value this code did not write never matches and never throws', async () => {
    for (const bad of ['', 'plain', 'scrypt$3$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', 'scrypt$99999999$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==', 'bcrypt$2b$10$abc']) {
      assert.equal(await verifyPassword('anything', bad), false, bad);
    }
  });

  it('ok generated passwords are 20 characters of an unambiguous alphabet and differ', () => {
    const a = generatePassword();
    assert.match(a, /^[a-km-np-zA-HJ-NP-Z2-9]{20}$/);
    assert.notEqual(a, generatePassword());
  });
});
