import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError, ERROR_TABLE, grantableApiScopes, USER_SCOPE_DESCRIPTIONS } from '@triad/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { UserRow } from '../db/schema.js';
import { SIGN_IN_PATH } from './authorization-server.js';

/** What each scope lets a client do, as the consent page says it: OpenID Connect's, then Triad's APIs'. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'know who you are: your name and email address',
  profile: 'see your name',
  email: 'see your email address',
  offline_access: 'stay signed in until you revoke it',
  ...USER_SCOPE_DESCRIPTIONS,
};

/** What oidc-provider says a consent prompt lacks. */
interface MissingScopes {
  missingOIDCScope?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export interface SignInPagesDependencies {
  provider: Provider;
  /** The one check of a password (throttled), as for every other sign-in. */
  checkPassword: (email: string, password: string) => Promise<UserRow>;
  findUser: (id: string) => Promise<UserRow | undefined>;
  logger: Logger;
}

/**
 * The pages of an authorization request where the user signs in and says what the client may do: plain HTML
 * forms, no script. Each belongs to one interaction of oidc-provider, bound to a cookie it set on this
 * browser (SameSite=Lax), so a form posted from another site, or with another browser's interaction id, finds
 * no interaction and changes nothing.
 */
export async function mountSignInPages(app: NestFastifyApplication, dependencies: SignInPagesDependencies): Promise<void> {
  // A plugin of its own: the one place that reads HTML form posts, which every API route refuses with a 415.
  await app
    .getHttpAdapter()
    .getInstance()
    .register(async (pages) => {
      // HTML forms only (JSON and the rest get a 415), each at most FORM_BODY_LIMIT_BYTES.
      pages.removeAllContentTypeParsers();
      pages.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES },
        (_request, body, done) => done(null, new URLSearchParams(body as string)),
      );
      signInRoutes(pages, dependencies);
    });
}

/** Room for an email address and a password, and then some. */
const FORM_BODY_LIMIT_BYTES = 4096;

function signInRoutes(fastify: FastifyInstance, { provider, checkPassword, findUser, logger }: SignInPagesDependencies): void {
  fastify.get(`${SIGN_IN_PATH}/:uid`, async (request, reply) => {
    const details = await interaction(provider, request, reply);
    if (!details) return reply;
    const clientName = await clientNameOf(provider, details);
    if (details.prompt.name === 'login') return page(reply, 200, loginForm(details.uid, clientName));
    const user = details.session?.accountId ? await findUser(details.session.accountId) : undefined;
    if (!user) return page(reply, 400, message('Your sign-in has ended. Start again from the application.'));
    return page(reply, 200, consentForm(details.uid, clientName, requestedScopes(details), user));
  });

  fastify.post(`${SIGN_IN_PATH}/:uid/login`, async (request, reply) => {
    const details = await interaction(provider, request, reply);
    if (!details) return reply;
    if (details.prompt.name !== 'login') return page(reply, 400, message('This step is already done. Start again from the application.'));
    try {
      const user = await checkPassword(field(request, 'email'), field(request, 'password'));
      return finish(provider, request, reply, { login: { accountId: user.id } });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return page(reply, ERROR_TABLE[error.kind].http, loginForm(details.uid, await clientNameOf(provider, details), error.message));
    }
  });

  fastify.post(`${SIGN_IN_PATH}/:uid/consent`, async (request, reply) => {
    const details = await interaction(provider, request, reply);
    if (!details) return reply;
    const accountId = details.session?.accountId;
    const user = accountId ? await findUser(accountId) : undefined;
    if (details.prompt.name !== 'consent' || !user) {
      return page(reply, 400, message('This step is not the one waiting. Start again from the application.'));
    }
    const missing = details.prompt.details as MissingScopes;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: user.id, clientId: String(details.params['client_id']) });
    if (!grant) return page(reply, 400, message('Your sign-in has ended. Start again from the application.'));
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    // The user can give a client no more than they may do themselves: an admin scope only if they are an admin.
    const grantable = new Set<string>(grantableApiScopes(user.role));
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      const allowed = scopes.filter((scope) => grantable.has(scope));
      if (allowed.length > 0) grant.addResourceScope(resource, allowed.join(' '));
    }
    const grantId = await grant.save();
    logger.info({ userId: user.id, client: grant.clientId }, 'authorization granted');
    return finish(provider, request, reply, { consent: { grantId } }, true);
  });

  fastify.post(`${SIGN_IN_PATH}/:uid/abort`, async (request, reply) => {
    const details = await interaction(provider, request, reply);
    if (!details) return reply;
    return finish(provider, request, reply, { error: 'access_denied', error_description: 'The user did not allow it.' });
  });
}

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The interaction this browser is in, or an error page when there is none (expired, another browser's). */
async function interaction(provider: Provider, request: FastifyRequest, reply: FastifyReply): Promise<InteractionDetails | undefined> {
  try {
    const details = await provider.interactionDetails(request.raw, reply.raw);
    if (details.uid !== (request.params as { uid: string }).uid) throw new Error('another interaction');
    return details;
  } catch {
    await page(reply, 400, message('This sign-in has expired or belongs to another browser. Start again from the application.'));
    return undefined;
  }
}

/** Hands the result to oidc-provider, which redirects the browser on with the authorization request. */
async function finish(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
  result: Parameters<Provider['interactionFinished']>[2],
  merge = false,
): Promise<FastifyReply> {
  reply.hijack();
  await provider.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: merge });
  return reply;
}

/** A field of the posted form; one sent twice counts as absent, as one not sent. */
function field(request: FastifyRequest, name: string): string {
  const values = request.body instanceof URLSearchParams ? request.body.getAll(name) : [];
  const [value] = values;
  return values.length === 1 && value !== undefined ? value : '';
}

/** How the pages name the client: its registered name, else its id. */
async function clientNameOf(provider: Provider, details: InteractionDetails): Promise<string> {
  const clientId = String(details.params['client_id']);
  return (await provider.Client.find(clientId))?.clientName ?? clientId;
}

function requestedScopes(details: InteractionDetails): string[] {
  const missing = details.prompt.details as MissingScopes;
  return [...(missing.missingOIDCScope ?? []), ...Object.values(missing.missingResourceScopes ?? {}).flat()];
}

function page(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>Triad: sign in</title><style>body{font:16px system-ui;max-width:26rem;margin:3rem auto;padding:0 1rem}` +
        `label,input,button{display:block;width:100%;margin:.4rem 0}input,button{padding:.5rem;font:inherit}` +
        `.error{color:#a00}</style></head><body>${body}</body></html>`,
    );
}

function loginForm(uid: string, clientName: string, error?: string): string {
  return (
    `<h1>Sign in to Triad</h1><p><strong>${escape(clientName)}</strong> asks to act for you.</p>` +
    (error ? `<p class="error" role="alert">${escape(error)}</p>` : '') +
    `<form method="post" action="${SIGN_IN_PATH}/${escape(uid)}/login">` +
    `<label>Email <input type="email" name="email" autocomplete="username" required maxlength="254"></label>` +
    `<label>Password <input type="password" name="password" autocomplete="current-password" required maxlength="200"></label>` +
    `<button type="submit">Sign in</button></form>` +
    `<form method="post" action="${SIGN_IN_PATH}/${escape(uid)}/abort"><button type="submit">Cancel</button></form>`
  );
}

function consentForm(uid: string, clientName: string, scopes: string[], user: UserRow): string {
  const items = scopes.map((scope) => `<li>${escape(SCOPE_DESCRIPTIONS[scope] ?? scope)} <code>${escape(scope)}</code></li>`);
  return (
    `<h1>Allow ${escape(clientName)}?</h1><p>Signed in as ${escape(user.email)}. <strong>${escape(clientName)}</strong> asks to:</p>` +
    `<ul>${items.join('')}</ul>` +
    `<form method="post" action="${SIGN_IN_PATH}/${escape(uid)}/consent"><button type="submit">Allow</button></form>` +
    `<form method="post" action="${SIGN_IN_PATH}/${escape(uid)}/abort"><button type="submit">Deny</button></form>`
  );
}

function message(text: string): string {
  return `<h1>Triad</h1><p>${escape(text)}</p>`;
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character,
  );
}
