import { Link, useLocation } from 'react-router';
import { useQuery } from 'urql';
import { formatMoney } from '../ui/money';
import { Pager } from '../ui/pager';
import { EmptyMessage, ErrorMessage, Loading } from '../ui/status-message';
import { useCursorPages } from '../ui/use-cursor-pages';
import { formatDateTime, statusLabel } from './order-status';
import { MyOrdersQuery } from './orders.documents';

const ORDERS_PER_PAGE = 10;

export function MyOrdersPage() {
  const pages = useCursorPages();
  const location = useLocation();
  const [{ data, fetching, error }] = useQuery({
    query: MyOrdersQuery,
    variables: { first: ORDERS_PER_PAGE, after: pages.after },
    // Orders change status on their own (the demo warehouse moves them along), so always ask again.
    requestPolicy: 'cache-and-network',
  });

  let content;
  if (fetching && !data) content = <Loading>Loading your orders…</Loading>;
  else if (error) content = <ErrorMessage error={error} />;
  else if (!data?.me) {
    content = (
      <p>
        <Link to="/login" state={{ from: location.pathname }}>
          Log in to see your orders
        </Link>
      </p>
    );
  } else if (data.me.orders.nodes.length === 0) {
    content = (
      <EmptyMessage>
        You have no orders yet. <Link to="/">Browse the products</Link>
      </EmptyMessage>
    );
  } else {
    const { nodes, pageInfo } = data.me.orders;
    content = (
      <>
        <ul className="order-list" aria-label="Your orders">
          {nodes.map((order) => (
            <li key={order.id} className="card">
              <Link to={`/orders/${order.id}`}>Order {order.id}</Link>
              <span className={`badge badge--${order.status.toLowerCase()}`}>{statusLabel(order.status)}</span>
              <span>{formatDateTime(order.createdAt)}</span>
              <span>
                {order.items.reduce((count, item) => count + item.quantity, 0)} items, {formatMoney(order.total)}
              </span>
            </li>
          ))}
        </ul>
        <Pager
          label="Order pages"
          pageNumber={pages.pageNumber}
          hasPrevious={pages.hasPrevious}
          hasNext={pageInfo.hasNextPage && pageInfo.endCursor !== null}
          onPrevious={pages.previous}
          onNext={() => pageInfo.endCursor && pages.next(pageInfo.endCursor)}
        />
      </>
    );
  }

  return (
    <section aria-labelledby="orders-heading">
      <h1 id="orders-heading">My orders</h1>
      {content}
    </section>
  );
}
