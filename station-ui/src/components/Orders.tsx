import type { Order } from '../api/client';

/** Quota left per order, with a warning before it runs out. */
export function Orders({ orders, lowShare }: { orders: Order[]; lowShare: number }) {
  return (
    <section aria-labelledby="orders-title">
      <h2 id="orders-title">Orders</h2>
      {orders.length === 0 && <p className="muted">No order is open on this station: a supervisor imports a grant.</p>}
      <div className="orders">
        {orders.map((o) => {
          const spoiled = o.byStatus?.spoiled ?? 0;
          const open = o.status === 'open';
          const low = open && o.left > 0 && o.left <= Math.max(1, Math.ceil(o.quota * lowShare));
          const out = open && o.left === 0;
          return (
            <article key={o.orderId} className={`order${low ? ' low' : ''}${out ? ' out' : ''}${open ? '' : ' closed'}`} aria-labelledby={`order-${o.orderId}`} data-order={o.orderId}>
              <h3 id={`order-${o.orderId}`}>
                {o.orderId} <span className="muted">· {o.productModel}</span>
              </h3>
              <p className="big">
                <span data-testid="left">{o.left}</span> left
              </p>
              <progress max={o.quota} value={o.issued} aria-label={`order ${o.orderId}: ${o.issued} of ${o.quota} issued`} />
              <p>
                {o.issued} of {o.quota} issued{spoiled ? `, ${spoiled} spoiled` : ''}
                {open ? '' : ` · closed (${o.closedReason ?? 'closed'})`}
              </p>
              {low && (
                <p className="warning" role="status">
                  Running low: {o.left} left. Tell the supervisor a new grant is needed.
                </p>
              )}
              {out && <p className="warning">Used up: no more devices for this order.</p>}
            </article>
          );
        })}
      </div>
    </section>
  );
}
