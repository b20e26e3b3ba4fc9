import { Injectable } from '@nestjs/common';

/** `interrupted`: the jig's line went away mid-run; the run resumes by itself when the jig is back. */
export type SlotPhase =
  | 'idle' | 'queued' | 'hello' | 'csr' | 'issuing' | 'injecting' | 'verifying' | 'locking' | 'done' | 'retrying' | 'failed' | 'refused' | 'interrupted';

export interface SlotState {
  jigId: string;
  slot: number;
  phase: SlotPhase;
  deviceSerial?: string;
  /** operator-readable: why it failed or was refused, and what to do */
  message?: string;
  code?: string;
  attempts: number;
  updatedAt: string;
}

const PROGRESS: Record<SlotPhase, number> = {
  idle: 0, queued: 0, hello: 10, csr: 25, issuing: 45, injecting: 65, verifying: 80, locking: 90, done: 100, retrying: 0, failed: 0, refused: 0, interrupted: 0,
};

/** How far along a slot in this phase is, 0..100 (for progress bars). */
export function slotProgress(phase: SlotPhase): number {
  return PROGRESS[phase];
}

/**
 * Live state of every slot, for the operator's panel and the API. Memory only: the record of
 * truth is the database; this is what the line looks like right now.
 */
@Injectable()
export class SlotBoard {
  private readonly slots = new Map<string, SlotState>();
  private readonly listeners = new Set<(s: SlotState) => void>();

  set(jigId: string, slot: number, patch: Partial<Omit<SlotState, 'jigId' | 'slot' | 'updatedAt'>>): SlotState {
    const key = `${jigId}/${slot}`;
    const prev = this.slots.get(key) ?? { jigId, slot, phase: 'idle' as SlotPhase, attempts: 0, updatedAt: '' };
    const clearsMessage = patch.phase && !['failed', 'refused', 'retrying', 'interrupted'].includes(patch.phase);
    const next: SlotState = {
      ...prev,
      ...(clearsMessage ? { message: undefined, code: undefined } : {}),
      ...patch,
      updatedAt: new Date().toISOString(),
    };
    this.slots.set(key, next);
    for (const l of this.listeners) l(next);
    return next;
  }

  get(jigId: string, slot: number): SlotState | undefined {
    return this.slots.get(`${jigId}/${slot}`);
  }

  all(): Array<SlotState & { progress: number }> {
    return [...this.slots.values()]
      .sort((a, b) => a.jigId.localeCompare(b.jigId) || a.slot - b.slot)
      .map((s) => ({ ...s, progress: PROGRESS[s.phase] }));
  }

  onChange(listener: (s: SlotState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
