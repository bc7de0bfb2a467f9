import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { OrderQuery as OrderQueryResult } from '../generated/graphql';
import { formatMoney } from '../ui/money';
import { EmptyMessage, ErrorMessage, Loading } from '../ui/status-message';
import { canCancel, formatDateTime, statusLabel } from './order-status';
import { CancelOrderMutation, OrderQuery } from './orders.documents';
import { useLiveOrderStatus } from './use-live-order-status';

type Order = NonNullable<OrderQueryResult['order']>;

export function OrderPage() {
  const { orderId = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: OrderQuery, variables: { id: orderId } });

  if (fetching && !data) return <Loading>Loading the order…</Loading>;
  if (error) return <ErrorMessage error={error} />;
  if (!data?.order) {
    return (
      <EmptyMessage>
        There is no order {orderId} that you may see: it may belong to someone else, or you may need to <Link to="/login">log in</Link>.
      </EmptyMessage>
    );
  }
  return <OrderDetails order={data.order} onRefresh={() => refetch({ requestPolicy: 'network-only' })} />;
}

function OrderDetails({ order, onRefresh }: { order: Order; onRefresh(): void }) {
  const finished = order.status === 'DELIVERED' || order.status === 'CANCELLED';
  const live = useLiveOrderStatus(order.id, finished);
  const [cancellation, cancelOrder] = useMutation(CancelOrderMutation);
  // Whichever is newer: an event pushed since the page loaded, or the order as loaded (or cancelled) here.
  const status = cancellation.data?.cancelOrder.status ?? live.status ?? order.status;

  return (
    <article aria-labelledby="order-heading">
      <p>
        <Link to="/orders">← My orders</Link>
      </p>
      <h1 id="order-heading">Order {order.id}</h1>
      <p>Placed {formatDateTime(order.createdAt)}</p>

      <p className="order-status" aria-live="polite">
        Status: <strong className={`badge badge--${status.toLowerCase()}`}>{statusLabel(status)}</strong>
        {live.changedAt && <span className="muted"> (since {formatDateTime(live.changedAt)})</span>}
      </p>
      {live.failure && !finished && (
        <div role="alert" className="status status--warning">
          <p>Live status updates are not available ({live.failure}). The status above is from when the page loaded.</p>
          <button type="button" onClick={onRefresh}>
            Check the status again
          </button>
        </div>
      )}

      <table>
        <caption className="visually-hidden">Items in this order</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Unit price</th>
            <th scope="col">Quantity</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.product.id}>
              <th scope="row">
                <Link to={`/products/${item.product.id}`}>{item.product.name}</Link>
              </th>
              <td>{formatMoney(item.unitPrice)}</td>
              <td>{item.quantity}</td>
              <td>{formatMoney(item.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Charged
            </th>
            <td>{formatMoney(order.total)}</td>
          </tr>
        </tfoot>
      </table>

      {cancellation.error && <ErrorMessage error={cancellation.error} />}
      {canCancel(status) && (
        <button type="button" onClick={() => void cancelOrder({ id: order.id })} disabled={cancellation.fetching}>
          {cancellation.fetching ? 'Cancelling…' : 'Cancel order'}
        </button>
      )}
    </article>
  );
}
