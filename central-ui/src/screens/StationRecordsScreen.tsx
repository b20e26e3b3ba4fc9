import { api, call } from '../api/client';
import { useAnswer } from '../api/use-answer';
import { NotYet, when } from '../components/Loading';
import { RecordTable } from './RecordTable';
import { CHAIN_TEXT } from './StationsScreen';
import type { Nav } from '../App';

/** One station's audit chain as central holds it: its state, the batches refused, and the records around one. */
export function StationRecordsScreen({ stationId, around, nav }: { stationId: string; around?: number; nav: Nav }) {
  const r = useAnswer(
    () => call(api.GET('/api/console/stations/{stationId}/records', { params: { path: { stationId }, query: around ? { around } : {} } })),
    `${stationId}-${around}`,
    nav.onEnded,
  );
  const s = r.data;
  return (
    <>
      <button type="button" className="link back" onClick={() => nav.go({ tab: 'stations' })}>
        ← All stations
      </button>
      <h1>Station {stationId}: audit records</h1>
      {!s ? (
        <NotYet answer={r} />
      ) : (
        <>
          <dl className="facts">
            <div><dt>Chain</dt><dd className={s.chain.state === 'ok' ? 'ok' : 'bad'}>{CHAIN_TEXT[s.chain.state]}</dd></div>
            <div><dt>Records held</dt><dd>{s.chain.records} (up to {s.chain.lastSeq})</dd></div>
            <div><dt>Missing</dt><dd>{s.chain.missing}</dd></div>
            <div><dt>Link breaks</dt><dd>{s.chain.linkBreaks}</dd></div>
            <div><dt>Last receipt</dt><dd>{when(s.chain.lastReceiptAt)}</dd></div>
            <div><dt>Head</dt><dd><code>{s.chain.lastHash ? `${s.chain.lastHash.slice(0, 16)}…` : '—'}</code></dd></div>
          </dl>
          <h2>Batches central refused</h2>
          {s.refusals.length ? (
            <ul className="events">
              {s.refusals.map((f) => (
                <li key={`${f.code}-${f.firstAt}`}>
                  <strong>{f.code}</strong> {f.message} — {f.attempts} attempt(s), {when(f.firstAt)} to {when(f.lastAt)}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None.</p>
          )}
          <h2>{around ? `Records near ${around}` : 'Latest records'}</h2>
          <RecordTable records={s.records} caption={`Audit records of station ${stationId}`} highlight={around} />
        </>
      )}
    </>
  );
}
