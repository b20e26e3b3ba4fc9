import { useId } from 'react';
import type { Activity } from '../api/client';

const SERIES = [
  { key: 'issued', label: 'Issued', className: 'issued' },
  { key: 'spoiled', label: 'Spoiled', className: 'spoiled' },
  { key: 'enrolled', label: 'Enrolled', className: 'enrolled' },
  { key: 'tamperAlarms', label: 'Tamper alarms', className: 'tamper' },
] as const;

const W = 720;
const H = 260;
const PAD = { left: 48, right: 16, top: 16, bottom: 36 };
const time = (iso: string) => new Date(iso).toISOString().slice(5, 16).replace('T', ' ');

/**
 * Cumulative counts over time against the quota, drawn as SVG (no chart library: a few lines).
 * The numbers are also in a table below, for screen readers and for reading exact values.
 */
export function ActivityPlot({ activity, title }: { activity: Activity; title: string }) {
  const id = useId();
  const pts = activity.points;
  if (!pts.length) return <p className="muted">Nothing recorded yet for {title.toLowerCase()}.</p>;
  const max = Math.max(1, activity.quota ?? 0, ...pts.flatMap((p) => [p.issued, p.spoiled, p.enrolled, p.tamperAlarms]));
  const x = (i: number) => PAD.left + (pts.length === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (pts.length - 1));
  const y = (v: number) => H - PAD.bottom - (v * (H - PAD.top - PAD.bottom)) / max;
  const last = pts[pts.length - 1];
  const summary = `${SERIES.map((s) => `${s.label} ${last[s.key]}`).join(', ')}${activity.quota != null ? `, quota ${activity.quota}` : ''}, at ${time(last.at)} UTC, in ${activity.bucketMinutes}-minute steps.`;
  return (
    <figure className="plot">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text className="tick" x={PAD.left - 6} y={y(max) + 4} textAnchor="end">{max}</text>
        <text className="tick" x={PAD.left - 6} y={H - PAD.bottom + 4} textAnchor="end">0</text>
        <text className="tick" x={PAD.left} y={H - 10}>{time(pts[0].at)}</text>
        <text className="tick" x={W - PAD.right} y={H - 10} textAnchor="end">{time(last.at)} UTC</text>
        {activity.quota != null && <line className="quota" x1={PAD.left} x2={W - PAD.right} y1={y(activity.quota)} y2={y(activity.quota)} />}
        {SERIES.map((s) => (
          <g key={s.key} className={`series ${s.className}`}>
            <polyline points={pts.map((p, i) => `${x(i)},${y(p[s.key])}`).join(' ')} />
            {pts.map((p, i) => <circle key={i} cx={x(i)} cy={y(p[s.key])} r={3} />)}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul className="legend">
          {SERIES.map((s) => (
            <li key={s.key} className={s.className}>{s.label}: {last[s.key]}</li>
          ))}
          {activity.quota != null && <li className="quota">Quota: {activity.quota}</li>}
        </ul>
        <details>
          <summary>The numbers</summary>
          <table>
            <caption className="visually-hidden">{title}, cumulative</caption>
            <thead>
              <tr><th scope="col">Until (UTC)</th>{SERIES.map((s) => <th key={s.key} scope="col">{s.label}</th>)}</tr>
            </thead>
            <tbody>
              {pts.map((p) => (
                <tr key={p.at}><td>{time(p.at)}</td>{SERIES.map((s) => <td key={s.key}>{p[s.key]}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
