import { useId, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { ApiKeyFieldsFragment } from '../generated/graphql';
import { formatDateTime } from '../orders/order-status';
import { CopyButton } from '../ui/copy-button';
import { EmptyMessage, ErrorMessage, Loading } from '../ui/status-message';
import { CreateApiKeyMutation, MyApiKeysQuery, RevokeApiKeyMutation } from './api-keys.documents';
import { OAuthClientsSection } from './oauth-clients-section';

// Without keys in the list, the result names no ApiKey, so urql's document cache would not know that
// creating one changes it: say so here, and every mutation that returns an ApiKey refreshes the list.
const queryContext = { additionalTypenames: ['ApiKey'] };

export function ApiKeysPage() {
  const location = useLocation();
  const [{ data, fetching, error }] = useQuery({
    query: MyApiKeysQuery,
    // Last used and requests today change whenever a key is sent, so always ask again.
    requestPolicy: 'cache-and-network',
    context: queryContext,
  });

  let content;
  if (fetching && !data) content = <Loading>Loading your API keys…</Loading>;
  else if (error) content = <ErrorMessage error={error} />;
  else if (!data?.me) {
    content = (
      <p>
        <Link to="/login" state={{ from: location.pathname }}>
          Log in to manage your API keys
        </Link>
      </p>
    );
  } else {
    content = (
      <>
        <CreateApiKeyForm />
        <ApiKeyList apiKeys={data.me.apiKeys} />
      </>
    );
  }

  return (
    <>
      <section aria-labelledby="api-keys-heading">
        <h1 id="api-keys-heading">API keys</h1>
        <p className="muted">
          A script or server sends a key as the <code>X-API-Key</code> header to call the REST API as you.
        </p>
        {content}
      </section>
      {data?.me && <OAuthClientsSection />}
    </>
  );
}

/** Creates a key and shows its secret this once: it lives only in this component's state, never in storage. */
function CreateApiKeyForm() {
  const inputId = useId();
  const [name, setName] = useState('');
  const [creation, createApiKey] = useMutation(CreateApiKeyMutation);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    setCreated(null);
    const result = await createApiKey({ name: trimmed });
    if (result.data) {
      setCreated({ name: result.data.createApiKey.apiKey.name, secret: result.data.createApiKey.secret });
      setName('');
    }
  }

  return (
    <>
      <h2>Create a key</h2>
      <form className="search" onSubmit={(event) => void submit(event)}>
        <label htmlFor={inputId}>Key name</label>
        <input id={inputId} required placeholder="e.g. Nightly export" value={name} onChange={(event) => setName(event.target.value)} />
        <button type="submit" className="primary" disabled={creation.fetching}>
          {creation.fetching ? 'Creating…' : 'Create key'}
        </button>
      </form>
      {creation.error && <ErrorMessage error={creation.error} />}
      {created && <NewSecret name={created.name} secret={created.secret} onDismiss={() => setCreated(null)} />}
    </>
  );
}

function NewSecret({ name, secret, onDismiss }: { name: string; secret: string; onDismiss(): void }) {
  const headingId = useId();

  return (
    <div className="status status--secret" role="region" aria-labelledby={headingId}>
      <h3 id={headingId}>Secret for “{name}”</h3>
      <p>
        <strong>Copy it now: it will not be shown again.</strong> Only a hash of it is stored, so if you lose it, revoke the key and create
        a new one.
      </p>
      <p className="secret-row">
        <code className="secret" data-testid="api-key-secret">
          {secret}
        </code>
        <CopyButton value={secret} />
      </p>
      <button type="button" className="link-button" onClick={onDismiss}>
        I have copied it, hide the secret
      </button>
    </div>
  );
}

function ApiKeyList({ apiKeys }: { apiKeys: ApiKeyFieldsFragment[] }) {
  const [revocation, revokeApiKey] = useMutation(RevokeApiKeyMutation);
  // Revocations answered here, shown at once even before the list is fetched again.
  const [revokedAt, setRevokedAt] = useState<Record<string, string>>({});
  const [revokingId, setRevokingId] = useState<string | null>(null);

  async function revoke(id: string) {
    setRevokingId(id);
    const result = await revokeApiKey({ id });
    setRevokingId(null);
    const revoked = result.data?.revokeApiKey;
    if (revoked?.revokedAt) setRevokedAt((current) => ({ ...current, [revoked.id]: revoked.revokedAt ?? '' }));
  }

  if (apiKeys.length === 0) {
    return <EmptyMessage>You have no API keys yet. Create one above to call the REST API from a script.</EmptyMessage>;
  }

  return (
    <>
      <h2>Your keys</h2>
      {revocation.error && <ErrorMessage error={revocation.error} />}
      <table>
        <caption className="visually-hidden">Your API keys, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Requests today</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {apiKeys.map((apiKey) => {
            const keyRevokedAt = revokedAt[apiKey.id] ?? apiKey.revokedAt;
            return (
              <tr key={apiKey.id}>
                <th scope="row">{apiKey.name}</th>
                <td>
                  <code>{apiKey.prefix}…</code>
                </td>
                <td>{formatDateTime(apiKey.createdAt)}</td>
                <td>{apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : 'Never'}</td>
                <td>{apiKey.requestsToday}</td>
                <td>
                  {keyRevokedAt ? (
                    <span className="badge badge--revoked">Revoked {formatDateTime(keyRevokedAt)}</span>
                  ) : (
                    <span className="actions">
                      <span className="badge badge--active">Active</span>
                      <button
                        type="button"
                        aria-label={`Revoke ${apiKey.name}`}
                        disabled={revokingId !== null}
                        onClick={() => void revoke(apiKey.id)}
                      >
                        {revokingId === apiKey.id ? 'Revoking…' : 'Revoke'}
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
