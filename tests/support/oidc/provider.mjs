// A real OpenID provider for Feltbog's sign-in tests: oidc-provider (a certified implementation)
// on 127.0.0.1, with a native public client (PKCE required, any loopback port), users whose ID
// tokens carry a "groups" claim, and a small login page a test fills in over HTTP as a browser would.
//
//   node provider.mjs CONFIG.json      prints "listening http://127.0.0.1:PORT" when ready
//
// CONFIG: {"client_id", "redirect_uris", "users": {name: {password, sub, name, email, groups}}}, and
// optionally "client_secret": then the client is confidential (client_secret_post), as the web console's
// Web redirect URI is at Entra ID.
// Test-only controls under /__test__/ (JSON POSTs):
//   /__test__/rotate                   new signing key first; the old one stays published
//   /__test__/groups   {user, groups}  change a user's groups (seen at the next token)
//   /__test__/tamper   {mode}          the next token response's ID token is spoiled:
//                                      "audience" (signed, other aud), "expired" (signed, past exp),
//                                      "signature" (payload changed after signing)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

import Provider from 'oidc-provider';
import * as jose from 'jose';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = config.users;
const signing = []; // private JWKs, newest first
let tamper = null;
let current = null;
let issuer = null;

async function newKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function findAccount(_ctx, id) {
  const entry = Object.entries(users).find(([, user]) => user.sub === id);
  if (!entry) return undefined;
  const [username, user] = entry;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id, name: user.name, preferred_username: username, email: user.email, groups: user.groups,
      };
    },
  };
}

function makeProvider() {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: config.client_id,
      application_type: 'native',
      ...(config.client_secret
        ? { client_secret: config.client_secret, token_endpoint_auth_method: 'client_secret_post' }
        : { token_endpoint_auth_method: 'none' }),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: config.redirect_uris,
    }],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount,
    claims: {
      openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    conformIdTokenClaims: false, // the claims go into the ID token, as Entra ID puts groups there
    // Like Entra ID: a refresh token for offline_access without prompt=consent, not tied to the browser session.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    jwks: { keys: signing },
    cookies: { keys: ['feltbog-test-cookie-key'] },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && tamper && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: await spoil(ctx.body.id_token, tamper) };
      tamper = null;
    }
  });
  return provider;
}

async function spoil(idToken, mode) {
  const claims = jose.decodeJwt(idToken);
  const [header, payload, signature] = idToken.split('.');
  if (mode === 'signature') {
    const changed = { ...claims, sub: `${claims.sub}-someone-else` };
    return `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
  }
  const now = Math.floor(Date.now() / 1000);
  const spoiled = mode === 'audience'
    ? { ...claims, aud: 'another-application' }
    : { ...claims, iat: now - 7200, exp: now - 3600 };
  const key = await jose.importJWK(signing[0], 'RS256');
  return new jose.SignJWT(spoiled).setProtectedHeader({ alg: 'RS256', kid: signing[0].kid }).sign(key);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function html(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html><head><title>Test provider</title></head><body>${body}</body></html>`);
}

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function loginPage(res, uid, message = '') {
  html(res, 200, `<h1>Sign in</h1><p class="message">${escape(message)}</p>
<form method="post" action="/interaction/${uid}/login">
<input name="username"><input name="password" type="password"><button type="submit">Sign in</button></form>`);
}

async function interaction(req, res, uid, action) {
  const details = await current.interactionDetails(req, res);
  if (action === 'login' && req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const user = users[form.get('username')];
    if (!user || user.password !== form.get('password')) {
      loginPage(res, uid, 'Wrong username or password');
      return;
    }
    await current.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'login') {
    loginPage(res, uid);
    return;
  }
  // consent: a first-party app the IT department has consented to for everyone (as "admin consent" in Entra ID)
  const grant = details.grantId ? await current.Grant.find(details.grantId)
    : new current.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant.save();
  await current.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function control(req, res, what) {
  const body = JSON.parse((await readBody(req)) || '{}');
  if (what === 'rotate') {
    signing.unshift(await newKey());
    current = makeProvider();
  } else if (what === 'groups') {
    users[body.user].groups = body.groups;
  } else if (what === 'tamper') {
    tamper = body.mode;
  } else {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: true, kid: signing[0].kid }));
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const test = url.pathname.match(/^\/__test__\/(\w+)$/);
    const step = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login))?$/);
    if (test && req.method === 'POST') {
      await control(req, res, test[1]);
    } else if (step) {
      await interaction(req, res, step[1], step[2]);
    } else {
      current.callback()(req, res);
    }
  } catch (error) {
    console.error(error);
    if (!res.headersSent) html(res, 500, escape(error.message));
  }
});

signing.push(await newKey());
server.listen(0, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  current = makeProvider();
  console.log(`listening ${issuer}`);
});
