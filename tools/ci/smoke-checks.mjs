// The requests of the compose smoke test (tools/ci/compose-smoke.sh), sent from the host to the published
// ports of a running stack: a demo user signs in through the REST API and through the GraphQL gateway, a
// token from one edge is accepted by the other, the web app's session cookie works at the gateway until
// sign-out, an order placed through the gateway (users, catalog and orders
// on PostgreSQL) reads back over REST, and users-service's authorization server answers at the REST edge.
// Prints one line per check; exits 1 if any check fails.
//
//   node tools/ci/smoke-checks.mjs          # against 127.0.0.1 and the default ports
import { checklist, request } from './checks.mjs';

const host = '127.0.0.1';
const rest = `http://${host}:3000`;
const gateway = `http://${host}:4000`;
const users = `http://${host}:4001`;
const catalog = `http://${host}:4002`;
const orders = `http://${host}:4003`;
const alice = { email: 'alice@triad.dev', password: 'alice-password' };

const { check, finish } = checklist('compose smoke checks');

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function shown(body) {
  const text = typeof body === 'string' ? body : String(JSON.stringify(body));
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

console.log(`compose smoke checks against ${host}:`);

for (const [name, base] of [
  ['users-service', users],
  ['catalog-service', catalog],
  ['orders-service', orders],
  ['rest-api', rest],
  ['graphql-gateway', gateway],
]) {
  await check(`${name} is ready: GET ${base}/readyz -> 200`, async () => {
    const { status, body } = await request(`${base}/readyz`);
    expect(status === 200, `got ${status} ${shown(body)}`);
  });
}

await check(`the web app: GET ${gateway}/ -> 200 text/html, and its script`, async () => {
  const response = await fetch(`${gateway}/`, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(10_000) });
  const html = await response.text();
  expect(response.status === 200 && /text\/html/.test(response.headers.get('content-type') ?? ''), `got ${response.status} ${shown(html)}`);
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script, `no /assets/*.js script in ${shown(html)}`);
  const asset = await fetch(`${gateway}${script}`, { signal: AbortSignal.timeout(10_000) });
  expect(asset.status === 200, `${script} gave ${asset.status}`);
  return script;
});

let restToken;
await check(`REST sign-in: POST ${rest}/v1/auth/token as ${alice.email} -> 200 with an access_token`, async () => {
  const { status, body } = await request(`${rest}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alice),
  });
  expect(status === 200, `got ${status} ${shown(body)}`);
  expect(typeof body.access_token === 'string' && body.access_token.length > 0, `no access_token in ${shown(body)}`);
  expect(body.user?.email === alice.email, `user.email is ${JSON.stringify(body.user?.email)}, not ${alice.email}`);
  restToken = body.access_token;
  return `token_type ${body.token_type}, expires_at ${body.expires_at}`;
});

let graphqlToken;
await check(`GraphQL sign-in: mutation login through ${gateway}/graphql -> data.login.accessToken`, async () => {
  const query =
    'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken user { email } } }';
  const { status, body } = await request(`${gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables: alice }),
  });
  expect(status === 200, `got ${status} ${shown(body)}`);
  expect(!body.errors, `errors: ${shown(body.errors)}`);
  const login = body.data?.login;
  expect(typeof login?.accessToken === 'string' && login.accessToken.length > 0, `no accessToken in ${shown(body)}`);
  expect(login.user?.email === alice.email, `user.email is ${JSON.stringify(login.user?.email)}, not ${alice.email}`);
  graphqlToken = login.accessToken;
});

await check(`the gateway's token works at the REST edge: GET ${rest}/v1/users/me -> ${alice.email}`, async () => {
  expect(graphqlToken, 'skipped: the GraphQL sign-in gave no token');
  const { status, body } = await request(`${rest}/v1/users/me`, { headers: { authorization: `Bearer ${graphqlToken}` } });
  expect(status === 200, `got ${status} ${shown(body)}`);
  expect(body.email === alice.email, `email is ${JSON.stringify(body.email)}, not ${alice.email}`);
});

await check(`the REST token works at the gateway: query { me { email } } -> ${alice.email}`, async () => {
  expect(restToken, 'skipped: the REST sign-in gave no token');
  const { status, body } = await request(`${gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${restToken}` },
    body: JSON.stringify({ query: '{ me { email } }' }),
  });
  expect(status === 200 && !body.errors, `got ${status} ${shown(body)}`);
  expect(body.data?.me?.email === alice.email, `me.email is ${JSON.stringify(body.data?.me?.email)}, not ${alice.email}`);
});

await check(`the web app's session: POST ${gateway}/session -> HttpOnly cookie; me by cookie; DELETE ends it, copy refused`, async () => {
  const signIn = await request(`${gateway}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alice),
  });
  expect(signIn.status === 200, `sign-in got ${signIn.status} ${shown(signIn.body)}`);
  const setCookie = signIn.headers.getSetCookie()[0] ?? '';
  expect(
    /^triad_session=triad_ss_[\w-]{43};/.test(setCookie) && /HttpOnly/.test(setCookie) && /SameSite=Strict/.test(setCookie),
    `Set-Cookie: ${setCookie}`,
  );
  expect(!JSON.stringify(signIn.body).includes('eyJ'), 'the sign-in answer holds a token');
  const cookie = setCookie.split(';')[0];
  const me = () =>
    request(`${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: '{ me { email } }' }),
    });
  const before = await me();
  expect(before.body.data?.me?.email === alice.email, `me by cookie: ${before.status} ${shown(before.body)}`);
  const signOut = await request(`${gateway}/session`, { method: 'DELETE', headers: { cookie } });
  expect(signOut.status === 204, `sign-out got ${signOut.status} ${shown(signOut.body)}`);
  const after = await me();
  expect(after.status === 401, `the signed-out cookie got ${after.status} ${shown(after.body)}`);
});

let orderId;
await check('an order placed through the gateway: mutation placeOrder -> PENDING with the product named', async () => {
  expect(graphqlToken, 'skipped: the GraphQL sign-in gave no token');
  const listed = await request(`${rest}/v1/products?page_size=20`);
  expect(listed.status === 200, `GET /v1/products gave ${listed.status} ${shown(listed.body)}`);
  const product = listed.body.products?.find((candidate) => candidate.stock_on_hand > 0);
  expect(product, `no product in stock in ${shown(listed.body)}`);
  const query = 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status items { product { name } } } }';
  const variables = { input: { idempotencyKey: `smoke-${Date.now()}`, items: [{ productId: product.id, quantity: 1 }] } };
  const { status, body } = await request(`${gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${graphqlToken}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(status === 200 && !body.errors, `got ${status} ${shown(body)}`);
  const order = body.data?.placeOrder;
  expect(order?.status === 'PENDING', `status is ${JSON.stringify(order?.status)}`);
  expect(order.items?.[0]?.product?.name === product.name, `item is ${shown(order.items)}, not ${product.name}`);
  orderId = order.id;
  return `order ${order.id} for ${product.name}`;
});

await check('the same order over REST: GET /v1/orders/{id} -> 200', async () => {
  expect(orderId && restToken, 'skipped: no order was placed');
  const { status, body } = await request(`${rest}/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${restToken}` } });
  expect(status === 200, `got ${status} ${shown(body)}`);
  expect(body.id === orderId, `id is ${JSON.stringify(body.id)}`);
});

await check(
  `OAuth 2.0 at the REST edge: GET ${rest}/oidc/.well-known/openid-configuration -> its issuer, the public endpoints`,
  async () => {
    // The issuer every process checks tokens against (AUTH_ISSUER) is the address clients discover it at.
    const { status, body } = await request(`${rest}/oidc/.well-known/openid-configuration`);
    expect(status === 200, `got ${status} ${shown(body)}`);
    expect(body.issuer === 'http://localhost:3000/oidc', `issuer is ${JSON.stringify(body.issuer)}`);
    // Every address it lists is the issuer's, however the request reached it.
    expect(body.token_endpoint === 'http://localhost:3000/oidc/token', `token_endpoint is ${JSON.stringify(body.token_endpoint)}`);
    expect(body.code_challenge_methods_supported?.includes('S256'), 'PKCE (S256) is not offered');
  },
);

finish();
