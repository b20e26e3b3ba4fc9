import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../../src/station/api/openapi/write-station-api.cli.js', import.meta.url));

describe('station API types for the panel', () => {
  it('ok the committed station-ui/src/api files match what the controllers declare', () => {
    const r = spawnSync(process.execPath, [CLI, '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
