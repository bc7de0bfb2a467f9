import type { CartLine } from './cart-pricing';

export interface CartState {
  lines: CartLine[];
  /**
   * The idempotency key of the checkout in progress. It is made at the first attempt and kept until the
   * order is placed, so a retry after a failure (or a reload) cannot place the same order twice; any change
   * to the cart drops it, since a different cart is a different order.
   */
  checkoutKey: string | null;
}

export type CartAction =
  | { type: 'add'; line: CartLine }
  | { type: 'set-quantity'; productId: string; quantity: number }
  | { type: 'remove'; productId: string }
  | { type: 'checkout-started'; checkoutKey: string }
  | { type: 'clear' };

export const MAX_QUANTITY = 99;

const emptyCart: CartState = { lines: [], checkoutKey: null };

function clampQuantity(quantity: number): number {
  return Math.min(MAX_QUANTITY, Math.max(1, Math.trunc(quantity)));
}

export function cartReducer(state: CartState, action: CartAction): CartState {
  switch (action.type) {
    case 'add': {
      const existing = state.lines.find((line) => line.productId === action.line.productId);
      const lines = existing
        ? state.lines.map((line) =>
            line === existing ? { ...action.line, quantity: clampQuantity(line.quantity + action.line.quantity) } : line,
          )
        : [...state.lines, { ...action.line, quantity: clampQuantity(action.line.quantity) }];
      return { lines, checkoutKey: null };
    }
    case 'set-quantity':
      return {
        lines: state.lines.map((line) =>
          line.productId === action.productId ? { ...line, quantity: clampQuantity(action.quantity) } : line,
        ),
        checkoutKey: null,
      };
    case 'remove':
      return { lines: state.lines.filter((line) => line.productId !== action.productId), checkoutKey: null };
    case 'checkout-started':
      return { ...state, checkoutKey: action.checkoutKey };
    case 'clear':
      return emptyCart;
  }
}

// Per tab, like the session: a reload keeps the cart and the checkout key of an unfinished checkout.
const STORAGE_KEY = 'triad.cart';

export function loadCart(storage: Storage = window.sessionStorage): CartState {
  try {
    const stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as CartState | null;
    return stored && Array.isArray(stored.lines) ? stored : emptyCart;
  } catch {
    return emptyCart;
  }
}

export function saveCart(state: CartState, storage: Storage = window.sessionStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(state));
}
