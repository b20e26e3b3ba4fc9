import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activitySeries, bucketMinutesFor, MAX_POINTS } from '../../../src/central/ui/activity-series.js';

describe('console activity series', () => {
  it('ok counts cumulatively per bucket from a zero point, in one-minute buckets for a short span', () => {
    const s = activitySeries([
      { at: '2026-01-01T10:00:10Z', what: 'issued' },
      { at: '2026-01-01T10:00:50Z', what: 'issued' },
      { at: '2026-01-01T10:02:05Z', what: 'spoiled' },
      { at: '2026-01-01T10:02:30Z', what: 'enrolled' },
      { at: '2026-01-01T10:01:00Z', what: 'tamperAlarms' },
    ]);
    assert.equal(s.bucketMinutes, 1);
    assert.deepEqual(s.points, [
      { at: '2026-01-01T10:00:00.000Z', issued: 0, spoiled: 0, enrolled: 0, tamperAlarms: 0 },
      { at: '2026-01-01T10:01:00.000Z', issued: 2, spoiled: 0, enrolled: 0, tamperAlarms: 0 },
      { at: '2026-01-01T10:02:00.000Z', issued: 2, spoiled: 0, enrolled: 0, tamperAlarms: 1 },
      { at: '2026-01-01T10:03:00.000Z', issued: 2, spoiled: 1, enrolled: 1, tamperAlarms: 1 },
    ]);
  });

  it('ok widens the bucket so a long span stays within the points a plot can show', () => {
    assert.equal(bucketMinutesFor(30 * 60_000), 1);
    assert.equal(bucketMinutesFor(2 * 3600_000), 5);
    assert.equal(bucketMinutesFor(30 * 24 * 3600_000), 1440);
    const s = activitySeries([
      { at: '2026-01-01T00:00:00Z', what: 'issued' },
      { at: '2026-03-01T00:00:00Z', what: 'issued' },
    ]);
    assert.ok(s.points.length <= MAX_POINTS + 1, `${s.points.length} points`);
    assert.equal(s.points[s.points.length - 1].issued, 2);
  });

  it('fail no events, or only unreadable times, give no points', () => {
    assert.deepEqual(activitySeries([]).points, []);
    assert.deepEqual(activitySeries([{ at: 'not a time', what: 'issued' }]).points, []);
  });
});
