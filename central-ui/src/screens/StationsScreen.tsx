import { api, call, type StationSummary } from '../api/client';
import { useAnswer } from '../api/use-answer';
import { ActivityPlot } from '../components/ActivityPlot';
import { NotYet, when } from '../components/Loading';
import type { Nav } from '../App';

const CHAIN_TEXT: Record<StationSummary['chain']['state'], string> = {
  ok: 'Continuous',
  'never-synced': 'Nothing received yet',
  refused: 'Latest batch refused',
  broken: 'Records missing or unlinked',
};

/** Per station: issued, spoiled, enrolled, tamper alarms, and how central's copy of its audit chain stands. */
export function StationsScreen({ nav }: { nav: Nav }) {
  const overview = useAnswer(() => call(api.GET('/api/console/overview')), 'overview', nav.onEnded);
  const o = overview.data;
  return (
    <>
      <h1>Stations and their audit chains</h1>
      {!o ? (
        <NotYet answer={overview} />
      ) : (
        <>
          <table className="grid">
            <caption className="visually-hidden">Stations</caption>
            <thead>
              <tr>
                <th scope="col">Station</th>
                <th scope="col" className="num">Orders</th>
                <th scope="col" className="num">Issued</th>
                <th scope="col" className="num">Spoiled</th>
                <th scope="col" className="num">Enrolled</th>
                <th scope="col" className="num">Tamper alarms</th>
                <th scope="col">Audit chain</th>
                <th scope="col" className="num">Records held</th>
                <th scope="col">Last receipt</th>
              </tr>
            </thead>
            <tbody>
              {o.stations.map((s) => (
                <tr key={s.stationId} data-station={s.stationId}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => nav.go({ tab: 'stations', stationId: s.stationId })}>
                      {s.stationId}
                    </button>
                  </th>
                  <td className="num">{s.orders}</td>
                  <td className="num">{s.issued}</td>
                  <td className="num">{s.spoiled}</td>
                  <td className="num">{s.enrolled}</td>
                  <td className="num">{s.tamperAlarms}</td>
                  <td className={s.chain.state === 'ok' ? 'ok' : 'bad'} data-testid="chain-state">{CHAIN_TEXT[s.chain.state]}</td>
                  <td className="num">{s.chain.lastSeq}</td>
                  <td>{when(s.chain.lastReceiptAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {o.stations.map((s) => (
            <StationPlot key={s.stationId} stationId={s.stationId} nav={nav} />
          ))}
        </>
      )}
    </>
  );
}

function StationPlot({ stationId, nav }: { stationId: string; nav: Nav }) {
  const activity = useAnswer(() => call(api.GET('/api/console/activity', { params: { query: { stationId } } })), stationId, nav.onEnded);
  return (
    <section aria-labelledby={`plot-${stationId}`}>
      <h2 id={`plot-${stationId}`}>{stationId} over time</h2>
      {activity.data ? <ActivityPlot activity={activity.data} title={`Station ${stationId}: issued, spoiled, enrolled, tamper alarms`} /> : <NotYet answer={activity} />}
    </section>
  );
}

export { CHAIN_TEXT };
