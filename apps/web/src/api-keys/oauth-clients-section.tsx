import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import type { OAuthClientFieldsFragment } from '../generated/graphql';
import { formatDateTime } from '../orders/order-status';
import { CopyButton } from '../ui/copy-button';
import { EmptyMessage, ErrorMessage, Loading } from '../ui/status-message';
import { CreateOAuthClientMutation, MyOAuthClientsQuery, RevokeOAuthClientMutation } from './oauth-clients.documents';

// Without clients in the list, the result names no OAuthClient, so urql's document cache would not know that
// registering one changes it: say so here, and every mutation that returns an OAuthClient refreshes the list.
const queryContext = { additionalTypenames: ['OAuthClient'] };

interface Credentials {
  name: string;
  clientId: string;
  clientSecret: string;
  tokenEndpoint: string;
}

/** The signed-in user's OAuth clients: register one with chosen scopes, see its secret once, list and revoke them. */
export function OAuthClientsSection() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: MyOAuthClientsQuery, context: queryContext });
  // Revoked here: gone from the list at once, before it is fetched again.
  const [revoked, setRevoked] = useState<ReadonlySet<string>>(new Set());

  let content;
  if (fetching && !data) content = <Loading>Loading your OAuth clients…</Loading>;
  else if (error) content = <ErrorMessage error={error} />;
  else if (data?.me) {
    content = (
      <>
        <RegisterClientForm scopes={data.oauthScopes} />
        <ClientList
          clients={data.me.oauthClients.filter((client) => !revoked.has(client.clientId))}
          onRevoked={(clientId) => {
            setRevoked((current) => new Set([...current, clientId]));
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      </>
    );
  }

  return (
    <section aria-labelledby="oauth-clients-heading">
      <h2 id="oauth-clients-heading">OAuth clients</h2>
      <p className="muted">
        A script of yours gets short-lived access tokens with the client-credentials grant, limited to the scopes you choose here, and uses
        them as <code>Authorization: Bearer</code> on the REST API, GraphQL and gRPC.
      </p>
      {content}
    </section>
  );
}

function RegisterClientForm({ scopes }: { scopes: { name: string; description: string }[] }) {
  const nameId = useId();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [registration, register] = useMutation(CreateOAuthClientMutation);
  const [credentials, setCredentials] = useState<Credentials | null>(null);

  function toggle(scope: string, on: boolean) {
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(scope);
      else next.delete(scope);
      return next;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || chosen.size === 0) return;
    setCredentials(null);
    const result = await register({ name: trimmed, scopes: scopes.map((scope) => scope.name).filter((scope) => chosen.has(scope)) });
    const created = result.data?.createOAuthClient;
    if (created) {
      setCredentials({
        name: created.oauthClient.name,
        clientId: created.oauthClient.clientId,
        clientSecret: created.clientSecret,
        tokenEndpoint: created.tokenEndpoint,
      });
      setName('');
      setChosen(new Set());
    }
  }

  return (
    <>
      <h3>Register a client</h3>
      <form className="stacked" onSubmit={(event) => void submit(event)}>
        <label htmlFor={nameId}>Client name</label>
        <input
          id={nameId}
          required
          maxLength={100}
          placeholder="e.g. Order export"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <fieldset>
          <legend>Scopes</legend>
          {scopes.map((scope) => (
            <label key={scope.name} className="choice">
              <input type="checkbox" checked={chosen.has(scope.name)} onChange={(event) => toggle(scope.name, event.target.checked)} />
              <code>{scope.name}</code> {scope.description}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={registration.fetching || chosen.size === 0}>
          {registration.fetching ? 'Registering…' : 'Register client'}
        </button>
      </form>
      {registration.error && <ErrorMessage error={registration.error} />}
      {credentials && <NewCredentials credentials={credentials} onDismiss={() => setCredentials(null)} />}
    </>
  );
}

/** The client's id and secret, shown this once: they live only in this component's state, never in storage. */
function NewCredentials({ credentials, onDismiss }: { credentials: Credentials; onDismiss(): void }) {
  const headingId = useId();
  const { name, clientId, clientSecret, tokenEndpoint } = credentials;
  return (
    <div className="status status--secret" role="region" aria-labelledby={headingId}>
      <h4 id={headingId}>Credentials for “{name}”</h4>
      <p>
        <strong>Copy the secret now: it will not be shown again.</strong> Only a hash of it is stored, so if you lose it, revoke the client
        and register a new one.
      </p>
      <p className="secret-row">
        Client ID <code className="secret">{clientId}</code>
        <CopyButton value={clientId} label="Copy client ID" />
      </p>
      <p className="secret-row">
        Client secret
        <code className="secret" data-testid="oauth-client-secret">
          {clientSecret}
        </code>
        <CopyButton value={clientSecret} label="Copy secret" />
      </p>
      <p>
        Get a token at <code>{tokenEndpoint}</code>:{' '}
        <code className="secret">curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials {tokenEndpoint}</code>
      </p>
      <button type="button" className="link-button" onClick={onDismiss}>
        I have copied it, hide the secret
      </button>
    </div>
  );
}

function ClientList({ clients, onRevoked }: { clients: OAuthClientFieldsFragment[]; onRevoked(clientId: string): void }) {
  const [revocation, revoke] = useMutation(RevokeOAuthClientMutation);
  const [revokingId, setRevokingId] = useState<string | null>(null);

  async function revokeClient(clientId: string) {
    setRevokingId(clientId);
    const result = await revoke({ clientId });
    setRevokingId(null);
    if (result.data?.revokeOAuthClient) onRevoked(result.data.revokeOAuthClient);
  }

  if (clients.length === 0) {
    return (
      <EmptyMessage>You have no OAuth clients. Register one above to give a script tokens with only the scopes it needs.</EmptyMessage>
    );
  }

  return (
    <>
      <h3>Your clients</h3>
      {revocation.error && <ErrorMessage error={revocation.error} />}
      <table>
        <caption className="visually-hidden">Your OAuth clients, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Client ID</th>
            <th scope="col">Scopes</th>
            <th scope="col">Registered</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {clients.map((client) => (
            <tr key={client.clientId}>
              <th scope="row">{client.name}</th>
              <td>
                <code>{client.clientId}</code>
              </td>
              <td>{client.scopes.join(', ')}</td>
              <td>{formatDateTime(client.createdAt)}</td>
              <td>
                <button
                  type="button"
                  aria-label={`Revoke client ${client.name}`}
                  disabled={revokingId !== null}
                  onClick={() => void revokeClient(client.clientId)}
                >
                  {revokingId === client.clientId ? 'Revoking…' : 'Revoke'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
