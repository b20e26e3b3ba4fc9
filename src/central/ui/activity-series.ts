/** One dated event counted on the console's plots. */
export interface ActivityEvent {
  at: string;
  what: 'issued' | 'spoiled' | 'enrolled' | 'tamperAlarms';
}

export interface ActivityPoint {
  at: string;
  issued: number;
  spoiled: number;
  enrolled: number;
  tamperAlarms: number;
}

/** Bucket widths the plots use, in minutes: 1 min … 1 week. */
const BUCKETS = [1, 5, 15, 60, 360, 1440, 10080];
/** at most this many points per plot: readable at a panel's width */
export const MAX_POINTS = 60;

/** The narrowest bucket that keeps the span within MAX_POINTS points. */
export function bucketMinutesFor(spanMs: number): number {
  return BUCKETS.find((b) => spanMs / (b * 60_000) < MAX_POINTS) ?? BUCKETS[BUCKETS.length - 1];
}

/**
 * Cumulative counts over time: a zero point where the first event's bucket starts, then one
 * point at the end of every bucket up to the last event's (events with an unreadable time are
 * left out). Cumulative, so a plot reads straight against the quota line.
 */
export function activitySeries(events: ActivityEvent[]): { bucketMinutes: number; points: ActivityPoint[] } {
  const dated = events.map((e) => ({ ...e, t: Date.parse(e.at) })).filter((e) => Number.isFinite(e.t)).sort((a, b) => a.t - b.t);
  if (!dated.length) return { bucketMinutes: BUCKETS[0], points: [] };
  const bucketMinutes = bucketMinutesFor(dated[dated.length - 1].t - dated[0].t);
  const width = bucketMinutes * 60_000;
  const first = Math.floor(dated[0].t / width) * width;
  const last = Math.floor(dated[dated.length - 1].t / width) * width;
  const points: ActivityPoint[] = [{ at: new Date(first).toISOString(), issued: 0, spoiled: 0, enrolled: 0, tamperAlarms: 0 }];
  const running = { issued: 0, spoiled: 0, enrolled: 0, tamperAlarms: 0 };
  let i = 0;
  for (let start = first; start <= last; start += width) {
    while (i < dated.length && dated[i].t < start + width) running[dated[i++].what]++;
    points.push({ at: new Date(start + width).toISOString(), ...running });
  }
  return { bucketMinutes, points };
}
