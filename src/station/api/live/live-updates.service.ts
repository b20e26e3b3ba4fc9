import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { SlotBoard, slotProgress } from '../../provisioning/slot-board.js';
import { PanelService, withAction } from '../panel.service.js';
import type { PanelDto } from '../dto/panel.dto.js';
import type { SlotDto } from '../dto/slot.dto.js';

export interface LiveEvent {
  type: 'panel' | 'slot' | 'heartbeat';
  data: PanelDto | SlotDto | { at: string };
}

/** slot changes come in bursts (64 jigs): the panel summary is rebuilt at most this often */
const PANEL_DEBOUNCE_MS = 300;
/** state that changes without a slot or an API call (audit sync, expiry, alarms) is looked at this often */
const PANEL_CHECK_MS = 2_000;
const HEARTBEAT_MS = 25_000;

/**
 * Pushes the panel's state to every open live stream (server-sent events): each slot change as
 * it happens, and the panel summary whenever it differs from the last one sent. The browser
 * never polls; the server pushes.
 */
@Injectable()
export class LiveUpdates implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(LiveUpdates.name);
  private readonly events = new Subject<LiveEvent>();
  private readonly closing = new Subject<void>();
  private subscribers = 0;
  private lastPanel = '';
  private debounce?: NodeJS.Timeout;
  private checker?: NodeJS.Timeout;
  private stopBoard?: () => void;

  constructor(
    private readonly board: SlotBoard,
    private readonly panel: PanelService,
  ) {}

  onModuleInit(): void {
    this.stopBoard = this.board.onChange((s) => {
      if (this.subscribers === 0) return;
      this.events.next({ type: 'slot', data: withAction({ ...s, progress: slotProgress(s.phase) }) });
      if (['done', 'failed', 'refused'].includes(s.phase)) this.changed();
    });
  }

  /** Something the summary shows may have changed: send it (soon, once for a burst). */
  changed(): void {
    if (this.subscribers === 0 || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.pushPanel();
    }, PANEL_DEBOUNCE_MS);
  }

  /**
   * One browser's stream: the panel now, then every change, until the session's end (the
   * browser then signs in again) or the station stops. `keepAlive` runs with each heartbeat.
   */
  stream(endsAt: Date | null, keepAlive: () => Promise<void>): Observable<LiveEvent> {
    return new Observable<LiveEvent>((sub) => {
      this.subscribers++;
      if (this.subscribers === 1) this.startChecking();
      const own = this.events.subscribe(sub);
      const closing = this.closing.subscribe(() => sub.complete());
      const heartbeat = setInterval(() => {
        sub.next({ type: 'heartbeat', data: { at: new Date().toISOString() } });
        void keepAlive().catch(() => undefined);
      }, HEARTBEAT_MS);
      const end = endsAt ? setTimeout(() => sub.complete(), Math.max(0, endsAt.getTime() - Date.now())) : undefined;
      void this.panel
        .panel()
        .then((p) => sub.next({ type: 'panel', data: p }))
        .catch((err) => sub.error(err));
      return () => {
        own.unsubscribe();
        closing.unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(end);
        this.subscribers--;
        if (this.subscribers === 0) this.stopChecking();
      };
    });
  }

  private async pushPanel(): Promise<void> {
    try {
      const p = await this.panel.panel();
      const text = JSON.stringify(p);
      if (text === this.lastPanel) return;
      this.lastPanel = text;
      this.events.next({ type: 'panel', data: p });
    } catch (err) {
      this.log.warn(`panel update failed: ${(err as Error).message}`);
    }
  }

  private startChecking(): void {
    this.lastPanel = '';
    this.checker = setInterval(() => void this.pushPanel(), PANEL_CHECK_MS);
    this.checker.unref();
  }

  private stopChecking(): void {
    clearInterval(this.checker);
    this.checker = undefined;
  }

  /** Open streams end when the station stops, so the HTTP server can close. */
  onModuleDestroy(): void {
    this.stopBoard?.();
    clearTimeout(this.debounce);
    this.stopChecking();
    this.closing.next();
    this.events.complete();
  }
}
