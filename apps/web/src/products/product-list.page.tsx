import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { formatMoney } from '../ui/money';
import { Pager } from '../ui/pager';
import { EmptyMessage, ErrorMessage, Loading } from '../ui/status-message';
import { useCursorPages } from '../ui/use-cursor-pages';
import { AddToCartButton } from './add-to-cart-button';
import { ProductListQuery } from './products.documents';

export const PRODUCTS_PER_PAGE = 12;

/** The catalog, searchable by name or SKU; the search is in the URL so it can be shared and reloaded. */
export function ProductListPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.get('search') ?? '';

  return (
    <section aria-labelledby="products-heading">
      <h1 id="products-heading">Products</h1>
      <SearchForm initial={search} onSearch={(next) => setSearchParams(next ? { search: next } : {})} />
      {/* A new search starts again at page one. */}
      <ProductResults key={search} search={search} />
    </section>
  );
}

function SearchForm({ initial, onSearch }: { initial: string; onSearch(search: string): void }) {
  const [value, setValue] = useState(initial);
  function submit(event: FormEvent) {
    event.preventDefault();
    onSearch(value.trim());
  }
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="product-search">Search products</label>
      <input id="product-search" type="search" value={value} onChange={(event) => setValue(event.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}

function ProductResults({ search }: { search: string }) {
  const pages = useCursorPages();
  const [{ data, fetching, error }] = useQuery({
    query: ProductListQuery,
    variables: { first: PRODUCTS_PER_PAGE, after: pages.after, search: search || null },
  });

  if (fetching && !data) return <Loading>Loading products…</Loading>;
  if (error) return <ErrorMessage error={error} />;
  const products = data?.products;
  if (!products || products.nodes.length === 0) {
    return <EmptyMessage>{search ? `No products match “${search}”.` : 'The catalog has no products yet.'}</EmptyMessage>;
  }

  const { endCursor, hasNextPage } = products.pageInfo;
  return (
    <>
      <ul className="product-grid" aria-label="Products">
        {products.nodes.map((product) => (
          <li key={product.id} className="card">
            <h2>
              <Link to={`/products/${product.id}`}>{product.name}</Link>
            </h2>
            <p className="muted">SKU {product.sku}</p>
            <p className="price">{formatMoney(product.price)}</p>
            <AddToCartButton product={product} />
          </li>
        ))}
      </ul>
      <Pager
        label="Product pages"
        pageNumber={pages.pageNumber}
        hasPrevious={pages.hasPrevious}
        hasNext={hasNextPage && endCursor !== null}
        onPrevious={pages.previous}
        onNext={() => endCursor && pages.next(endCursor)}
      />
    </>
  );
}
