import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiTokens } from '../../../src/station/auth/api-tokens.js';
import { readSessionCookie, sessionCookie } from '../../../src/station/auth/session-cookie.js';
import { roleAllows } from '../../../src/station/auth/roles.js';
import { StationConfig, checkStationConfig } from '../../../src/config/station-config.js';

const config = (over: Partial<StationConfig>) => Object.assign(new StationConfig(), { products: [], jigs: [], apiTokens: [], ...over });

describe('station auth parts', () => {
  it('ok a supervisor may do what an operator may; not the other way', () => {
    assert.equal(roleAllows('supervisor', 'operator'), true);
    assert.equal(roleAllows('supervisor', 'supervisor'), true);
    assert.equal(roleAllows('operator', 'operator'), true);
    assert.equal(roleAllows('operator', 'supervisor'), false);
  });

  it('ok API tokens map to their role; the legacy supervisorToken is the token "supervisor"', () => {
    const tokens = new ApiTokens(config({ supervisorToken: 'legacy-supervisor-secret', apiTokens: [{ name: 'line-robot', role: 'operator', token: 'robot-token-0123456789' }] }));
    assert.deepEqual(tokens.match('robot-token-0123456789'), { name: 'token:line-robot', role: 'operator', via: 'token' });
    assert.deepEqual(tokens.match('legacy-supervisor-secret'), { name: 'token:supervisor', role: 'supervisor', via: 'token' });
    assert.equal(tokens.match('robot-token-012345678'), null);
    assert.equal(tokens.match(''), null);
  });

  it('fail a config naming two tokens alike is refused at boot', () => {
    const c = config({ supervisorToken: 'x'.repeat(16), apiTokens: [{ name: 'supervisor', role: 'operator', token: 'y'.repeat(16) }] });
    assert.deepEqual(checkStationConfig(c), ['apiTokens[0].name: duplicate token name "supervisor"']);
  });

  it('ok the session cookie is HttpOnly and SameSite=Strict, and is read back from a Cookie header among others', () => {
    const token = 'A'.repeat(43);
    assert.match(sessionCookie(token), /HttpOnly; SameSite=Strict; Path=\//);
    assert.equal(readSessionCookie(`theme=dark; station_session=${token}; other=1`), token);
    assert.equal(readSessionCookie('theme=dark'), null);
    assert.equal(readSessionCookie('station_session=short'), null);
    assert.equal(readSessionCookie(`station_session=${'A'.repeat(30)};x`), 'A'.repeat(30));
    assert.equal(readSessionCookie(undefined), null);
  });
});
