// A real OpenID Connect provider (the certified `oidc-provider` package) on loopback, for the tests.
//
// Usage: node provider.mjs SETUP.json
//
// SETUP.json holds {"clients": [...], "accounts": {...}, "claimsAtUserinfoOnly": false}. Each client is client metadata as the
// provider takes it (client_id, client_secret, redirect_uris), plus an optional "misbehave" that makes
// this provider hand that client a broken ID token, signed as usual, so the app's checks are tried on
// a token that only a faulty or hostile provider would send:
//   "expired"          the ID token expired ten minutes ago
//   "other-audience"   the ID token is made out to another client
// "accounts" maps a subject (what one types as the login on the provider's page) to its claims.
// "claimsAtUserinfoOnly" keeps every claim but the subject out of the ID token, as SURFconext does.
//
// The provider listens on a free port of 127.0.0.1 and prints one line of JSON, {"issuer": URL},
// once it answers. It stops on SIGTERM or when its standard input closes (the test run ended).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const setup = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = setup.accounts || {};
const misbehaving = new Map();
const clients = (setup.clients || []).map(({ misbehave, ...metadata }) => {
  if (misbehave) misbehaving.set(metadata.client_id, misbehave);
  return {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...metadata,
  };
});

const server = createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  // Claims the way Microsoft Entra ID and Google put them: in the ID token, and behind userinfo.
  conformIdTokenClaims: Boolean(setup.claimsAtUserinfoOnly),
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'hd', 'tid', 'groups', 'schac_home_organization',
      'eduperson_affiliation', 'xms_edov'],
    email: ['email', 'email_verified'],
  },
  pkce: { required: () => true },
  // Signing in on the provider's own page (its development login form) is the interaction under
  // test; the school has already agreed for its students, so there is no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  async findAccount(ctx, sub) {
    if (!Object.hasOwn(accounts, sub)) return undefined;
    return { accountId: sub, claims: async () => ({ ...accounts[sub], sub }) };
  },
  // Fixed keys, so cookies signed by one start of the provider are not mistaken for another's.
  cookies: { keys: ['tests-only-cookie-key'] },
});
provider.proxy = false;

// A faulty or hostile provider: the same signing key, the wrong expiry or audience.
const { issue } = provider.IdToken.prototype;
provider.IdToken.prototype.issue = async function issueMaybeBroken(options = {}) {
  const how = this.client && misbehaving.get(this.client.clientId);
  if (how === 'expired') {
    return issue.call(this, { ...options, expiresAt: Math.floor(Date.now() / 1000) - 600 });
  }
  if (how === 'other-audience') {
    const real = this.client;
    this.client = Object.create(real, { clientId: { value: 'another-app' } });
    try {
      return await issue.call(this, options);
    } finally {
      this.client = real;
    }
  }
  return issue.call(this, options);
};

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
