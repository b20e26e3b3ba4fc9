import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JEMALLOC_PATHS, mappedJemalloc, planAllocator } from '../../../src/common/allocator.js';
import { ConfigError } from '../../../src/common/domain-error.js';

const debian = JEMALLOC_PATHS[0];
const onlyDebian = (p: string) => p === debian;
const none = () => false;

describe('the allocator central starts its serving process with', () => {
  it('auto preloads jemalloc where the system has it', () => {
    const plan = planAllocator('auto', {}, onlyDebian);
    assert.deepEqual(plan.env, { LD_PRELOAD: debian });
    assert.equal(plan.warning, undefined);
  });

  it('keeps a preload the operator set, after jemalloc', () => {
    const plan = planAllocator('auto', { LD_PRELOAD: '/opt/a.so:/opt/b.so' }, onlyDebian);
    assert.equal(plan.env.LD_PRELOAD, `${debian} /opt/a.so /opt/b.so`);
  });

  it('asks for nothing when jemalloc is already preloaded (the serving copy, or the operator did it)', () => {
    const plan = planAllocator('jemalloc', { LD_PRELOAD: '/usr/local/lib/libjemalloc.so.2' }, none);
    assert.deepEqual(plan.env, {});
    assert.equal(plan.warning, undefined);
  });

  it('auto without jemalloc runs on the system allocator and says what to install', () => {
    const plan = planAllocator('auto', {}, none);
    assert.deepEqual(plan.env, {});
    assert.match(plan.warning ?? '', /install libjemalloc2/);
  });

  it('jemalloc without jemalloc stops the start with a configuration error naming where it looked', () => {
    assert.throws(() => planAllocator('jemalloc', {}, none), (err: unknown) => err instanceof ConfigError && err.message.includes(debian));
  });

  it('system leaves the environment alone even where jemalloc is installed', () => {
    assert.deepEqual(planAllocator('system', {}, onlyDebian).env, {});
  });

  it('reads what is mapped, not what was asked: a path in /proc/self/maps, not a mere mention', () => {
    const line = (path: string) => `7f0000000000-7f0000001000 r-xp 00000000 08:01 123 ${path}`;
    assert.equal(mappedJemalloc(() => [line('/usr/lib/x86_64-linux-gnu/libc.so.6'), line(debian)].join('\n')), debian);
    assert.equal(mappedJemalloc(() => [line('/usr/lib/x86_64-linux-gnu/libc.so.6'), line('/tmp/not-libjemalloc-at-all.txt')].join('\n')), null);
    assert.equal(mappedJemalloc(() => { throw new Error('no /proc'); }), null);
  });
});
