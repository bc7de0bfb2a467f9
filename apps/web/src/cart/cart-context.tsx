import { createContext, useContext, useEffect, useMemo, useReducer, type ReactNode } from 'react';
import type { CartLine } from './cart-pricing';
import { cartReducer, loadCart, saveCart, type CartAction, type CartState } from './cart-store';

interface CartContextValue extends CartState {
  dispatch(action: CartAction): void;
  /** The idempotency key for placing this cart: the one kept from an earlier attempt, or a new one. */
  startCheckout(): string;
  add(line: CartLine): void;
}

const CartContext = createContext<CartContextValue | null>(null);

export function CartProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(cartReducer, undefined, () => loadCart());

  useEffect(() => saveCart(state), [state]);

  const value = useMemo<CartContextValue>(
    () => ({
      ...state,
      dispatch,
      add: (line) => dispatch({ type: 'add', line }),
      startCheckout() {
        const checkoutKey = state.checkoutKey ?? crypto.randomUUID();
        dispatch({ type: 'checkout-started', checkoutKey });
        return checkoutKey;
      },
    }),
    [state],
  );

  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartContextValue {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}
