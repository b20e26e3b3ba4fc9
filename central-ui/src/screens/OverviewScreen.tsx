import { api, call } from '../api/client';
import { useAnswer } from '../api/use-answer';
import { ActivityPlot } from '../components/ActivityPlot';
import { NotYet } from '../components/Loading';
import type { Nav } from '../App';

/** Every order against its quota: issued and spoiled at the stations, enrolled in the field. */
export function OverviewScreen({ nav }: { nav: Nav }) {
  const overview = useAnswer(() => call(api.GET('/api/console/overview')), 'overview', nav.onEnded);
  const activity = useAnswer(() => call(api.GET('/api/console/activity', { params: { query: {} } })), 'activity', nav.onEnded);
  const o = overview.data;
  return (
    <>
      <h1>Orders and quotas</h1>
      {!o ? (
        <NotYet answer={overview} />
      ) : (
        <>
          {o.openAnomalies > 0 && (
            <p className="attention" role="status">
              {o.openAnomalies} open {o.openAnomalies === 1 ? 'anomaly' : 'anomalies'}.{' '}
              <button type="button" className="link" onClick={() => nav.go({ tab: 'anomalies' })}>
                Look at the anomalies
              </button>
            </p>
          )}
          <table className="grid" aria-describedby="orders-note">
            <caption className="visually-hidden">Orders</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Station</th>
                <th scope="col">Product</th>
                <th scope="col" className="num">Quota</th>
                <th scope="col" className="num">Issued</th>
                <th scope="col" className="num">Spoiled</th>
                <th scope="col" className="num">Enrolled</th>
                <th scope="col">Used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {o.orders.map((r) => (
                <tr key={r.orderId} data-order={r.orderId}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => nav.go({ tab: 'orders', orderId: r.orderId })}>
                      {r.orderId}
                    </button>
                  </th>
                  <td>{r.stationId}</td>
                  <td>{r.productModel}</td>
                  <td className="num">{r.quota}</td>
                  <td className="num" data-testid="issued">{r.issued}</td>
                  <td className="num" data-testid="spoiled">{r.spoiled}</td>
                  <td className="num" data-testid="enrolled">{r.enrolled}</td>
                  <td>
                    <meter min={0} max={r.quota} value={r.issued + r.spoiled} aria-label={`${r.orderId}: ${r.issued + r.spoiled} of ${r.quota} used`} />
                  </td>
                  <td>{r.revoked ? <span className="bad">revoked</span> : r.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p id="orders-note" className="small muted">
            Issued and spoiled come from the stations' signed audit records central has received; enrolled counts devices enrolled in the field.
          </p>
        </>
      )}
      <h2>All orders over time</h2>
      {activity.data ? <ActivityPlot activity={activity.data} title="All orders: issued, spoiled, enrolled over time" /> : <NotYet answer={activity} />}
    </>
  );
}
