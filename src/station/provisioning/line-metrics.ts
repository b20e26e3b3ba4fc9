import { Injectable } from '@nestjs/common';
import type { ProvisionOutcome } from './provision-device.service.js';

/** Shift counters and the station's own time per device (what bench/line reports); a supervisor starts a new shift. */
@Injectable()
export class LineMetrics {
  provisioned = 0;
  reused = 0;
  refused: Record<string, number> = {};
  failed: Record<string, number> = {};
  readonly stationMs: number[] = [];

  recordSuccess(o: ProvisionOutcome): void {
    this.provisioned++;
    if (o.reused) this.reused++;
    // the station's time per device issued: a device found already provisioned costs none
    else if (this.stationMs.length < 100_000) this.stationMs.push(o.stationMs);
  }
  recordRefusal(code: string): void {
    this.refused[code] = (this.refused[code] ?? 0) + 1;
  }
  recordFailure(code: string): void {
    this.failed[code] = (this.failed[code] ?? 0) + 1;
  }

  /** A new shift: the counters start again from zero; returns the shift that ended. */
  reset(): ReturnType<LineMetrics['snapshot']> {
    const ended = this.snapshot();
    this.provisioned = 0;
    this.reused = 0;
    this.refused = {};
    this.failed = {};
    this.stationMs.length = 0;
    return ended;
  }

  snapshot() {
    const sorted = [...this.stationMs].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);
    return {
      provisioned: this.provisioned,
      reused: this.reused,
      refused: this.refused,
      failed: this.failed,
      stationMsPerDevice: { p50: pct(50), p99: pct(99), samples: sorted.length },
    };
  }
}
