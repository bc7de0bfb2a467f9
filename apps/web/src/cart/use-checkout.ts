import { useMutation } from 'urql';
import { useNavigate } from 'react-router';
import { PlaceOrderMutation } from './cart.documents';
import { useCart } from './cart-context';

/** Places the cart as an order, reusing one idempotency key across retries of the same cart. */
export function useCheckout() {
  const cart = useCart();
  const navigate = useNavigate();
  const [result, placeOrder] = useMutation(PlaceOrderMutation);

  async function checkout() {
    const idempotencyKey = cart.startCheckout();
    const items = cart.lines.map(({ productId, quantity }) => ({ productId, quantity }));
    const response = await placeOrder({ input: { idempotencyKey, items } });
    if (response.data) {
      cart.dispatch({ type: 'clear' });
      await navigate(`/orders/${response.data.placeOrder.id}`);
    }
  }

  return { checkout, placing: result.fetching, error: result.error };
}
