import { Link, useLocation } from 'react-router';
import { useSession } from '../session/session-context';
import { formatMoney } from '../ui/money';
import { QuantityStepper } from '../ui/quantity-stepper';
import { EmptyMessage, ErrorMessage } from '../ui/status-message';
import { useCart } from './cart-context';
import { priceCart, type PricedCartLine } from './cart-pricing';
import { useCheckout } from './use-checkout';

export function CartPage() {
  const cart = useCart();
  const { session } = useSession();
  const { checkout, placing, error } = useCheckout();
  const location = useLocation();

  if (cart.lines.length === 0) {
    return (
      <section aria-labelledby="cart-heading">
        <h1 id="cart-heading">Cart</h1>
        <EmptyMessage>
          Your cart is empty. <Link to="/">Browse the products</Link>
        </EmptyMessage>
      </section>
    );
  }

  const { lines, totals } = priceCart(cart.lines);
  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading">Cart</h1>
      <table className="cart">
        <caption className="visually-hidden">Products in your cart</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Unit price</th>
            <th scope="col">Quantity</th>
            <th scope="col">Total</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <CartRow key={line.productId} line={line} />
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Estimated total
            </th>
            <td colSpan={2} data-testid="cart-total">
              {totals.map((total) => formatMoney(total)).join(' + ')}
            </td>
          </tr>
        </tfoot>
      </table>
      <p className="muted">Prices are from the catalog; the order is priced again when it is placed.</p>

      {error && (
        <ErrorMessage error={error}>
          <p>Placing the order again is safe: it is sent with the same key, so it is placed at most once.</p>
        </ErrorMessage>
      )}
      {session ? (
        <button type="button" className="primary" onClick={() => void checkout()} disabled={placing}>
          {placing ? 'Placing your order…' : error ? 'Try placing the order again' : 'Place order'}
        </button>
      ) : (
        <p>
          <Link to="/login" state={{ from: location.pathname }}>
            Log in to place your order
          </Link>
        </p>
      )}
    </section>
  );
}

function CartRow({ line }: { line: PricedCartLine }) {
  const { dispatch } = useCart();
  return (
    <tr>
      <th scope="row">
        <Link to={`/products/${line.productId}`}>{line.name}</Link>
      </th>
      <td>{formatMoney(line.unitPrice)}</td>
      <td>
        <QuantityStepper
          of={line.name}
          quantity={line.quantity}
          onChange={(quantity) => dispatch({ type: 'set-quantity', productId: line.productId, quantity })}
        />
      </td>
      <td>{formatMoney(line.lineTotal)}</td>
      <td>
        <button
          type="button"
          onClick={() => dispatch({ type: 'remove', productId: line.productId })}
          aria-label={`Remove ${line.name} from cart`}
        >
          Remove
        </button>
      </td>
    </tr>
  );
}
