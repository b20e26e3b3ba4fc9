import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SlotBoard } from '../../../../src/station/provisioning/slot-board.js';
import { LiveUpdates, type LiveEvent } from '../../../../src/station/api/live/live-updates.service.js';
import type { PanelService } from '../../../../src/station/api/panel.service.js';
import type { PanelDto } from '../../../../src/station/api/dto/panel.dto.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function setup() {
  const board = new SlotBoard();
  let panels = 0;
  const panel = { panel: async () => ({ n: ++panels }) as unknown as PanelDto } as PanelService;
  const live = new LiveUpdates(board, panel);
  live.onModuleInit();
  return { board, live };
}

describe('live updates for the panel (server-sent events)', () => {
  it('ok a stream starts with the panel, then gets each slot change with its progress and, for a refusal, what to do', async () => {
    const { board, live } = setup();
    const got: LiveEvent[] = [];
    const sub = live.stream(null, async () => undefined).subscribe((e) => got.push(e));
    await tick();
    board.set('jig-1', 0, { phase: 'issuing', deviceSerial: 'SN1' });
    board.set('jig-1', 0, { phase: 'refused', code: 'CSR_BAD_SIGNATURE', message: 'CSR signature does not verify' });
    assert.deepEqual(got.map((e) => e.type), ['panel', 'slot', 'slot']);
    assert.deepEqual((got[1].data as { phase: string; progress: number }).progress, 45);
    assert.match((got[2].data as { action?: string }).action ?? '', /reject bin/);
    sub.unsubscribe();
    live.onModuleDestroy();
  });

  it('ok a stream ends when its session ends, and every stream ends when the station stops', async () => {
    const { live } = setup();
    let endedA = false;
    let endedB = false;
    live.stream(new Date(Date.now() + 20), async () => undefined).subscribe({ complete: () => (endedA = true) });
    live.stream(null, async () => undefined).subscribe({ complete: () => (endedB = true) });
    await tick(60);
    assert.deepEqual([endedA, endedB], [true, false]);
    live.onModuleDestroy();
    assert.equal(endedB, true);
  });

  it('ok with nobody watching, slot changes cost nothing', async () => {
    const { board, live } = setup();
    board.set('jig-1', 1, { phase: 'done' });
    const got: LiveEvent[] = [];
    const sub = live.stream(null, async () => undefined).subscribe((e) => got.push(e));
    await tick();
    assert.deepEqual(got.map((e) => e.type), ['panel']);
    sub.unsubscribe();
    live.onModuleDestroy();
  });
});
