import { useState } from 'react';
import type { Money } from '../ui/money';
import { useCart } from '../cart/cart-context';

interface AddToCartButtonProps {
  product: { id: string; name: string; price: Money; inStock: boolean };
  quantity?: number;
}

/** Adds a product to the cart and says so for a moment, for eyes and screen readers alike. */
export function AddToCartButton({ product, quantity = 1 }: AddToCartButtonProps) {
  const cart = useCart();
  const [added, setAdded] = useState(false);

  function add() {
    cart.add({ productId: product.id, name: product.name, unitPrice: product.price, quantity });
    setAdded(true);
    window.setTimeout(() => setAdded(false), 1500);
  }

  return (
    <>
      <button type="button" onClick={add} disabled={!product.inStock} aria-label={`Add ${product.name} to cart`}>
        {product.inStock ? 'Add to cart' : 'Out of stock'}
      </button>
      <span role="status" className="added-note">
        {added ? `Added ${product.name}` : ''}
      </span>
    </>
  );
}
