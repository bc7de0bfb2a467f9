import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { MAX_QUANTITY } from '../cart/cart-store';
import { formatMoney } from '../ui/money';
import { QuantityStepper } from '../ui/quantity-stepper';
import { EmptyMessage, ErrorMessage, Loading } from '../ui/status-message';
import { AddToCartButton } from './add-to-cart-button';
import { ProductDetailQuery } from './products.documents';

export function ProductDetailPage() {
  const { productId = '' } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: ProductDetailQuery, variables: { id: productId } });
  const [quantity, setQuantity] = useState(1);

  if (fetching && !data) return <Loading>Loading the product…</Loading>;
  if (error) return <ErrorMessage error={error} />;
  const product = data?.product;
  if (!product) {
    return (
      <EmptyMessage>
        No product has the id {productId}. <Link to="/">Back to the products</Link>
      </EmptyMessage>
    );
  }

  return (
    <article className="product-detail" aria-labelledby="product-heading">
      <p>
        <Link to="/">← All products</Link>
      </p>
      <h1 id="product-heading">{product.name}</h1>
      <p className="muted">SKU {product.sku}</p>
      <p>{product.description || 'No description.'}</p>
      <p className="price">{formatMoney(product.price)}</p>
      <p>{product.inStock ? `${product.stockOnHand} in stock` : 'Out of stock'}</p>
      <div className="actions">
        <QuantityStepper
          of={product.name}
          quantity={quantity}
          max={Math.min(MAX_QUANTITY, Math.max(1, product.stockOnHand))}
          onChange={setQuantity}
        />
        <AddToCartButton product={product} quantity={quantity} />
      </div>
    </article>
  );
}
