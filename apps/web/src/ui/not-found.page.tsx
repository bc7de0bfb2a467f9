import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">Page not found</h1>
      <p>
        Nothing lives at this address. <Link to="/">Go to the products</Link>
      </p>
    </section>
  );
}
