import { api, call } from '../api/client';
import { useAnswer } from '../api/use-answer';
import { ActivityPlot } from '../components/ActivityPlot';
import { NotYet } from '../components/Loading';
import { Revoke } from '../components/Revoke';
import type { Nav } from '../App';

/** One order: its counts, its plot against the quota, and (brand owner) revoking it. */
export function OrderScreen({ orderId, nav }: { orderId: string; nav: Nav }) {
  const overview = useAnswer(() => call(api.GET('/api/console/overview')), 'overview', nav.onEnded);
  const activity = useAnswer(() => call(api.GET('/api/console/activity', { params: { query: { orderId } } })), orderId, nav.onEnded);
  const order = overview.data?.orders.find((o) => o.orderId === orderId);
  return (
    <>
      <button type="button" className="link back" onClick={() => nav.go({ tab: 'orders' })}>
        ← All orders
      </button>
      <h1>Order {orderId}</h1>
      {!overview.data ? (
        <NotYet answer={overview} />
      ) : !order ? (
        <p className="problem" role="alert">Central knows no order {orderId}.</p>
      ) : (
        <dl className="facts">
          <div><dt>Station</dt><dd>{order.stationId}</dd></div>
          <div><dt>Product</dt><dd>{order.productModel}</dd></div>
          <div><dt>Quota</dt><dd>{order.quota}</dd></div>
          <div><dt>Issued</dt><dd>{order.issued}</dd></div>
          <div><dt>Spoiled</dt><dd>{order.spoiled}</dd></div>
          <div><dt>Enrolled</dt><dd>{order.enrolled}</dd></div>
          <div><dt>Status</dt><dd>{order.revoked ? 'revoked' : order.status}</dd></div>
        </dl>
      )}
      <h2>Over time</h2>
      {activity.data ? <ActivityPlot activity={activity.data} title={`Order ${orderId}: issued, spoiled, enrolled against the quota`} /> : <NotYet answer={activity} />}
      {nav.canRevoke && order && (
        <Revoke
          revoked={order.revoked}
          what={`order ${orderId}`}
          onRevoke={async (reason) => {
            const r = await call(api.POST('/api/console/orders/{orderId}/revoke', { params: { path: { orderId } }, body: { reason } }));
            overview.reload();
            return `Order ${r.orderId} revoked: ${r.certificatesRevoked} operational certificate(s) revoked.`;
          }}
        />
      )}
    </>
  );
}
