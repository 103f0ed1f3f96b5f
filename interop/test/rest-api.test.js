// The official browser client, @frontegg/rest-api, unmodified, against yolk's
// example server: sign-up, login, me, refresh with rotation, tenant switch,
// logout, the user lifecycle (invitations, activation codes, profile
// updates), the identifiers (usernames, profile phone numbers, e-mail
// change), the password reset and change, and the accounts API's
// self-service (account settings, sub-accounts, hierarchy).
import { jar, rawFetch, setPageOrigin } from './helpers/browser-env.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ContextHolder, FronteggApiError, GENERIC_ERROR_CODE, api } from '@frontegg/rest-api';
import { jwtPayload, refreshCookieName, startServer, strongPassword, uniqueEmail } from './helpers/server.js';
import { expectRefusal, needs, traced } from './helpers/steps.js';
import { otpauthSecret, totp } from './helpers/totp.js';

const REFUSED = [401];

describe('@frontegg/rest-api against yolk', () => {
  let server;
  let cookieName;
  const s = {}; // state carried between steps
  const email = uniqueEmail('rest');
  const password = strongPassword();

  before(async () => {
    server = await startServer();
    cookieName = refreshCookieName(server.clientId);
    setPageOrigin(server.baseUrl);
    // Exactly what an app does: point the default app at the API.
    ContextHolder.for('default').setContext({ baseUrl: server.baseUrl, logLevel: 'error' });
  });

  after(async () => {
    if (server) {
      await server.stop();
    }
  });

  /** Starts from an empty browser: no cookies, no access token in the ContextHolder. */
  function freshBrowser() {
    jar.clear();
    ContextHolder.for('default').setAccessToken(null);
    ContextHolder.for('default').setUser(null);
  }

  function refreshCookie() {
    return jar.get(cookieName);
  }

  test('client calls the /frontegg-prefixed identity API', () => {
    // Documents (and guards) the URL shape the rest of the file relies on.
    const fc = api.auth.fetchClient;
    assert.equal(
      fc.getContextBaseUrl('/identity/resources/auth/v1/user'),
      `${server.baseUrl}/frontegg`,
      'rest-api builds <baseUrl>/frontegg/identity/...; the server must mount the identity API at /frontegg/identity',
    );
  });

  /** Checks the user object the V3 login flow built (login body + JWT claims + users/v2/me). */
  function checkSignedUpUser(u, userEmail, userId, tenantId) {
    assert.ok(u?.accessToken, `no access token after sign-up: ${JSON.stringify(u)}`);
    assert.equal(u.email, userEmail, 'user.email (from users/v2/me and the JWT)');
    assert.equal(u.id, userId, 'users/v2/me id must be the signed-up userId');
    const claims = jwtPayload(u.accessToken);
    assert.equal(claims.sub, userId, 'access token sub');
    assert.equal(claims.tenantId, tenantId, 'access token tenantId');
    assert.equal(claims.type, 'userToken', 'access token type');
  }

  function checkTenants(res, tenantId, what) {
    assert.ok(Array.isArray(res.tenants), `${what}: GET users/v3/me/tenants must return {tenants: [...]}, got tenants=${JSON.stringify(res.tenants)}`);
    assert.ok(
      res.tenants.some((x) => x.tenantId === tenantId),
      `${what}: users/v3/me/tenants does not list tenant ${tenantId}: ${JSON.stringify(res.tenants)}`,
    );
    assert.equal(res.activeTenant?.tenantId, tenantId, `${what}: users/v3/me/tenants activeTenant`);
  }

  test('sign-up with activation (server default): api.auth.signUpUser, then api.auth.activateAccountV2', async (t) => {
    await traced(async () => {
      freshBrowser();
      const res = await api.auth.signUpUser({ email, password, name: 'Interop Rest', companyName: 'Interop Rest Co' });
      assert.ok(res.userId, `sign-up answered without userId: ${JSON.stringify(res)}`);
      assert.ok(res.tenantId, `sign-up answered without tenantId: ${JSON.stringify(res)}`);
      s.userId = res.userId;
      s.tenantId = res.tenantId;
      if (!res.shouldActivate) {
        t.diagnostic('the server did not ask for activation; the activation half of this step was not exercised');
        checkSignedUpUser(res.user, email, s.userId, s.tenantId);
        checkTenants(res, s.tenantId, 'signUpUser');
        return;
      }
      assert.equal(res.user, undefined, 'shouldActivate=true must not log the user in');
      // Activation link from the dev outbox.
      const outbox = await rawFetch(`${server.baseUrl}/dev/outbox`);
      assert.equal(outbox.status, 200, `GET /dev/outbox -> ${outbox.status}`);
      const mails = await outbox.json();
      const mail = [...mails].reverse().find((m) => String(m.to).includes(email));
      assert.ok(mail, `shouldActivate=true but no mail to ${email} in /dev/outbox: ${JSON.stringify(mails).slice(0, 500)}`);
      const link = String(mail.body).match(/https?:\/\/\S*token=[^\s"'<>]+/)?.[0];
      assert.ok(link, `activation mail has no link with token=: ${mail.body}`);
      const u = new URL(link.replace(/&amp;/g, '&'));
      assert.equal(u.searchParams.get('userId'), s.userId, 'activation link userId');
      // Login before activation is refused (allowNotVerifiedUsersLogin false).
      await expectRefusal(api.auth.login({ email, password }), [400, 401, 403], 'login before activation');
      const activated = await api.auth.activateAccountV2({ userId: s.userId, token: u.searchParams.get('token') });
      checkSignedUpUser(activated.user, email, s.userId, s.tenantId);
      checkTenants(activated, s.tenantId, 'activateAccountV2');
      // The activation link is single use.
      freshBrowser();
      await expectRefusal(
        api.auth.activateAccountV2({ userId: s.userId, token: u.searchParams.get('token') }),
        [400, 401, 404, 409],
        'second use of the activation token',
      );
    });
  });

  test('sign-up without activation (allowNotVerifiedUsersLogin): api.auth.signUpUser logs the user in', async () => {
    await traced(async () => {
      // Vendor side: POST /auth/vendor, then the spec's config route.
      const auth = await rawFetch(`${server.baseUrl}/auth/vendor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: server.clientId, secret: server.secret }),
      });
      assert.equal(auth.status, 200, `POST /auth/vendor -> ${auth.status}`);
      const { token } = await auth.json();
      const cfg = await rawFetch(`${server.baseUrl}/identity/resources/configurations/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-access-token': token },
        body: JSON.stringify({ allowNotVerifiedUsersLogin: true }),
      });
      assert.ok(cfg.ok, `POST /identity/resources/configurations/v1 {allowNotVerifiedUsersLogin:true} -> ${cfg.status}: ${await cfg.text()}`);

      freshBrowser();
      const email2 = uniqueEmail('rest-noact');
      const res = await api.auth.signUpUser({ email: email2, password, name: 'Interop NoAct', companyName: 'Interop NoAct Co' });
      assert.equal(res.shouldActivate, false, `shouldActivate must be false: ${JSON.stringify(res)}`);
      assert.ok(res.userId && res.tenantId, `userId/tenantId: ${JSON.stringify(res)}`);
      checkSignedUpUser(res.user, email2, res.userId, res.tenantId);
      checkTenants(res, res.tenantId, 'signUpUser');
      assert.equal(ContextHolder.for('default').getAccessToken(), res.user.accessToken, 'ContextHolder holds the sign-up access token');
      assert.ok(refreshCookie(), `sign-up with authResponse did not set ${cookieName}`);
    });
  });

  test('login: api.auth.login sets the refresh cookie', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      const user = await api.auth.login({ email, password });
      assert.ok(user.accessToken, `login answered without accessToken: ${JSON.stringify(user)}`);
      assert.equal(user.mfaRequired, false, 'login response mfaRequired');
      assert.equal(typeof user.expiresIn, 'number', 'login response expiresIn (seconds)');
      assert.ok(user.expires, 'login response expires');
      assert.equal(user.id, s.userId, 'users/v2/me id after login');
      assert.equal(user.sub, s.userId, 'JWT sub merged into the user');
      assert.equal(user.tenantId, s.tenantId, 'tenantId');
      assert.equal(ContextHolder.for('default').getAccessToken(), user.accessToken, 'ContextHolder holds the new access token');
      const c = refreshCookie();
      assert.ok(c, `login did not set cookie ${cookieName} (Path must cover /frontegg/identity); cookies: ${JSON.stringify([...jar.cookies.values()])}`);
      assert.ok(c.httpOnly, `${cookieName} must be HttpOnly`);
      if (user.refreshToken) {
        assert.equal(user.refreshToken, c.value, 'refreshToken in the JSON equals the cookie value');
      }
      s.accessToken = user.accessToken;
      s.loginCookie = { ...c };
    });
  });

  test('me: api.auth.getMeV2 and api.teams.getProfile (users/v2/me)', async (t) => {
    if (!needs(t, s.accessToken, 'a logged-in session')) return;
    await traced(async () => {
      for (const [name, call] of [
        ['getMeV2', () => api.auth.getMeV2()],
        ['teams.getProfile', () => api.teams.getProfile()],
      ]) {
        const me = await call();
        assert.equal(me.id, s.userId, `${name}: id`);
        assert.equal(me.email, email, `${name}: email`);
        assert.equal(me.tenantId, s.tenantId, `${name}: tenantId`);
        assert.ok(Array.isArray(me.roles), `${name}: roles must be an array`);
        assert.ok(Array.isArray(me.permissions), `${name}: permissions must be an array`);
      }
    });
  });

  test('refresh: api.auth.refreshToken rotates the refresh token', async (t) => {
    if (!needs(t, s.loginCookie, 'the login refresh cookie')) return;
    await traced(async () => {
      const user = await api.auth.refreshToken();
      assert.ok(user.accessToken, `refresh answered without accessToken: ${JSON.stringify(user)}`);
      assert.equal(user.id, s.userId, 'users/v2/me after refresh');
      assert.equal(jwtPayload(user.accessToken).sub, s.userId, 'refreshed token sub');
      const c = refreshCookie();
      assert.ok(c, `refresh left no ${cookieName} cookie`);
      assert.notEqual(c.value, s.loginCookie.value, 'refresh token must rotate: the cookie still holds the old value');
      if (user.refreshToken) {
        assert.notEqual(user.refreshToken, s.loginCookie.value, 'refreshToken in the JSON must be a new one');
        assert.equal(user.refreshToken, c.value, 'refreshToken in the JSON equals the new cookie');
      }
      s.rotatedCookie = { ...c };
    });
  });

  test('refresh: the rotated-out refresh token is refused', async (t) => {
    if (!needs(t, s.rotatedCookie, 'a rotated refresh token')) return;
    await traced(async () => {
      jar.put(s.loginCookie);
      await expectRefusal(api.auth.refreshToken(), REFUSED, 'refresh with the pre-rotation token');
    });
  });

  test('refresh: reusing a rotated token revokes the session (its newest token is refused too)', async (t) => {
    if (!needs(t, s.rotatedCookie, 'a rotated refresh token')) return;
    await traced(async () => {
      jar.put(s.rotatedCookie);
      await expectRefusal(api.auth.refreshToken(), REFUSED, 'refresh with the newest token after reuse of an old one');
    });
  });

  test('login box flow: api.auth.loginv2 returns user, tenants, activeTenant', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      const res = await api.auth.loginv2({ email, password });
      assert.ok(res.user?.accessToken, `loginv2 without accessToken: ${JSON.stringify(res)}`);
      assert.equal(res.user.id, s.userId, 'user.id');
      assert.ok(Array.isArray(res.tenants), `users/v3/me/tenants must return {tenants: [...]}, got tenants=${JSON.stringify(res.tenants)}`);
      const mine = res.tenants.find((x) => x.tenantId === s.tenantId);
      assert.ok(mine, `tenants must include ${s.tenantId}: ${JSON.stringify(res.tenants)}`);
      assert.ok(mine.name, 'tenant name');
      assert.equal(res.activeTenant?.tenantId, s.tenantId, 'activeTenant.tenantId');
      assert.ok(refreshCookie(), `loginv2 did not set ${cookieName}`);
      s.session2 = { ...refreshCookie() };
    });
  });

  test('refresh (login box): api.auth.refreshTokenV3 rotates and returns tenants', async (t) => {
    if (!needs(t, s.session2, 'a loginv2 session')) return;
    await traced(async () => {
      const res = await api.auth.refreshTokenV3();
      assert.ok(res.user?.accessToken, 'refreshTokenV3 accessToken');
      assert.ok(Array.isArray(res.tenants) && res.tenants.some((x) => x.tenantId === s.tenantId), 'refreshTokenV3 tenants');
      assert.notEqual(refreshCookie()?.value, s.session2.value, 'refresh token must rotate');
      s.session2 = { ...refreshCookie() };
    });
  });

  test('tenants and authorization: users/v1|v2|v3/me/tenants, users/v1/me/authorization', async (t) => {
    if (!needs(t, s.session2, 'a loginv2 session')) return;
    await traced(async () => {
      const v3 = await api.users.getCurrentUserTenantsV3();
      assert.ok(v3.tenants?.some((x) => x.tenantId === s.tenantId), `v3/me/tenants: ${JSON.stringify(v3)}`);
      assert.equal(v3.activeTenant?.tenantId, s.tenantId, 'v3/me/tenants activeTenant');
      const v1 = await api.users.getCurrentUserTenantsV1();
      assert.ok(v1.tenants?.some((x) => x.tenantId === s.tenantId), `v1/me/tenants must be {tenants, activeTenant}: ${JSON.stringify(v1)}`);
      assert.equal(v1.activeTenant?.tenantId, s.tenantId, 'v1/me/tenants activeTenant');
      const v2 = await api.tenants.getTenants();
      assert.ok(Array.isArray(v2), `v2/me/tenants must be an array: ${JSON.stringify(v2)}`);
      assert.ok(v2.some((x) => x.tenantId === s.tenantId), 'v2/me/tenants lists the tenant');
      const authz = await api.auth.getUserAuthorization();
      assert.ok(Array.isArray(authz.roles) && Array.isArray(authz.permissions), `me/authorization must be {roles, permissions}: ${JSON.stringify(authz)}`);
    });
  });

  /** An environment (vendor) token from POST /auth/vendor. */
  async function vendorToken() {
    const auth = await rawFetch(`${server.baseUrl}/auth/vendor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: server.clientId, secret: server.secret }),
    });
    assert.equal(auth.status, 200, `POST /auth/vendor -> ${auth.status}`);
    return (await auth.json()).token;
  }

  test('tenant switch: api.tenants.switchTenant, then refreshTokenV3 issues a token for the new tenant', async (t) => {
    if (!needs(t, s.session2, 'a loginv2 session')) return;
    await traced(async () => {
      // Vendor side: add the user to a second tenant (created on the fly).
      const second = `interop-second-${Date.now()}`;
      const add = await rawFetch(`${server.baseUrl}/identity/resources/users/v1/${s.userId}/tenant`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-access-token': await vendorToken() },
        body: JSON.stringify({ tenantId: second, skipInviteEmail: true }),
      });
      assert.equal(add.status, 201, `POST /identity/resources/users/v1/{userId}/tenant -> ${add.status}: ${await add.text()}`);

      // The browser client switches (PUT users/v1/tenant), then refreshes.
      await api.tenants.switchTenant({ tenantId: second });
      let res = await api.auth.refreshTokenV3();
      let claims = jwtPayload(res.user.accessToken);
      assert.equal(claims.tenantId, second, 'tenantId of the access token after switchTenant + refresh');
      assert.ok(claims.tenantIds.includes(second) && claims.tenantIds.includes(s.tenantId), `tenantIds: ${JSON.stringify(claims.tenantIds)}`);
      assert.equal(res.activeTenant?.tenantId, second, 'users/v3/me/tenants activeTenant after the switch');
      assert.ok(res.tenants.some((x) => x.tenantId === second), 'users/v3/me/tenants lists the new tenant');

      // A tenant the user does not belong to is refused, and changes nothing.
      await expectRefusal(api.tenants.switchTenant({ tenantId: `not-mine-${Date.now()}` }), [403], 'switchTenant to a foreign tenant');
      res = await api.auth.refreshTokenV3();
      assert.equal(jwtPayload(res.user.accessToken).tenantId, second, 'tenant after a refused switch');

      // And back.
      await api.tenants.switchTenant({ tenantId: s.tenantId });
      res = await api.auth.refreshTokenV3();
      claims = jwtPayload(res.user.accessToken);
      assert.equal(claims.tenantId, s.tenantId, 'tenantId after switching back');
      s.session2 = { ...refreshCookie() };
    });
  });

  test('logout: api.auth.logout', async (t) => {
    if (!needs(t, s.session2, 'a loginv2 session')) return;
    await traced(async () => {
      await api.auth.logout();
      const c = refreshCookie();
      if (c) t.diagnostic(`note: logout left ${cookieName} in the browser (not cleared with Max-Age=0)`);
      s.loggedOut = true;
    });
  });

  test('refresh after logout is refused', async (t) => {
    if (!needs(t, s.loggedOut, 'a logged-out session')) return;
    await traced(async () => {
      await expectRefusal(api.auth.refreshToken(), REFUSED, 'refresh with the cookie state logout left');
      // Even a client that kept the cookie must be refused.
      jar.put(s.session2);
      await expectRefusal(api.auth.refreshToken(), REFUSED, 'refresh with the refresh token of the logged-out session');
    });
  });

  // --- MFA with an authenticator app, through rest-api's own MFA functions ---
  const mfaEmail = uniqueEmail('rest-mfa');
  const m = {}; // MFA state carried between steps

  test('MFA: api.auth.preEnrollMFAAuthenticatorApp / enrollMFAAuthenticatorApp enrol an authenticator app', async () => {
    await traced(async () => {
      const auth = await rawFetch(`${server.baseUrl}/auth/vendor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: server.clientId, secret: server.secret }),
      });
      const { token } = await auth.json();
      const cfg = await rawFetch(`${server.baseUrl}/identity/resources/configurations/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-access-token': token },
        body: JSON.stringify({ allowNotVerifiedUsersLogin: true }),
      });
      assert.ok(cfg.ok, `vendor config -> ${cfg.status}`);
      freshBrowser();
      const res = await api.auth.signUpUser({ email: mfaEmail, password, name: 'Interop MFA', companyName: 'Interop MFA Co' });
      assert.ok(res.user?.accessToken, `sign-up did not log in: ${JSON.stringify(res)}`);
      m.userId = res.userId;

      const pre = await api.auth.preEnrollMFAAuthenticatorApp();
      assert.match(String(pre.qrCode), /^data:image\/png;base64,/, 'qrCode must be a PNG data URL');
      assert.ok(pre.otpauthUri, `pre-enrolment without otpauthUri: ${JSON.stringify(pre).slice(0, 200)}`);
      m.secret = otpauthSecret(pre.otpauthUri);
      await expectRefusal(api.auth.enrollMFAAuthenticatorApp({ token: '000000' === totp(m.secret) ? '111111' : '000000' }), [400], 'a wrong first code');
      const enrolled = await api.auth.enrollMFAAuthenticatorApp({ token: totp(m.secret) });
      assert.ok(enrolled.recoveryCode, `enrolment without recoveryCode: ${JSON.stringify(enrolled)}`);
      const devices = await api.auth.getMFADevices();
      assert.equal(devices.authenticators?.length, 1, `getMFADevices: ${JSON.stringify(devices)}`);
      const me = await api.auth.getMeV2();
      assert.equal(me.mfaEnrolled, true, 'users/v2/me mfaEnrolled');
    });
  });

  test('MFA: api.auth.login answers mfaRequired, api.auth.loginWithMfa completes it', async (t) => {
    if (!needs(t, m.secret, 'an enrolled authenticator app')) return;
    await traced(async () => {
      freshBrowser();
      const challenge = await api.auth.login({ email: mfaEmail, password });
      assert.equal(challenge.mfaRequired, true, `login must require MFA: ${JSON.stringify(challenge)}`);
      assert.ok(challenge.mfaToken, 'mfaToken');
      assert.ok(!challenge.accessToken, 'no access token before the second factor');
      assert.equal(refreshCookie(), undefined, 'no refresh cookie before the second factor');
      const deviceId = challenge.mfaDevices?.authenticators?.[0]?.id;
      assert.ok(deviceId, `mfaDevices.authenticators: ${JSON.stringify(challenge.mfaDevices)}`);
      assert.ok(challenge.mfaStrategies?.includes('AuthenticatorApp'), `mfaStrategies: ${JSON.stringify(challenge.mfaStrategies)}`);
      const allow = await api.auth.checkIfAllowToRememberMfaDevice(challenge.mfaToken);
      assert.equal(allow.isAllowedToRemember, false, `allow-remember-device: ${JSON.stringify(allow)}`);

      // The enrolment code's time step is used up; the next step's code
      // (within the accepted clock drift) completes the login.
      const code = totp(m.secret, Date.now() + 30_000);
      await expectRefusal(
        api.auth.verifyMFAAuthenticatorAppForLogin(deviceId, { mfaToken: challenge.mfaToken, value: code === '000000' ? '111111' : '000000' }),
        [400],
        'a wrong code',
      );
      const user = await api.auth.loginWithMfa({ mfaToken: challenge.mfaToken, value: code });
      assert.ok(user.accessToken, `loginWithMfa without accessToken: ${JSON.stringify(user).slice(0, 300)}`);
      assert.equal(user.id, m.userId, 'users/v2/me after MFA');
      const claims = jwtPayload(user.accessToken);
      assert.deepEqual(claims.amr, ['pwd', 'otp'], 'amr records the password and the code');
      assert.ok(refreshCookie(), 'the MFA login sets the refresh cookie');

      // A code works once: a new login cannot replay it.
      freshBrowser();
      const again = await api.auth.login({ email: mfaEmail, password });
      assert.equal(again.mfaRequired, true);
      await expectRefusal(api.auth.verifyMFAAuthenticatorAppForLogin(deviceId, { mfaToken: again.mfaToken, value: code }), [400], 'a replayed code');
      // The used MFA step is dead.
      await expectRefusal(api.auth.loginWithMfa({ mfaToken: challenge.mfaToken, value: code }), [401], 'a used mfaToken');
    });
  });

  /** Environment token from POST /auth/vendor. */
  async function vendorToken() {
    const auth = await rawFetch(`${server.baseUrl}/auth/vendor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: server.clientId, secret: server.secret }),
    });
    assert.equal(auth.status, 200, `POST /auth/vendor -> ${auth.status}`);
    return (await auth.json()).token;
  }

  /** Invites email to tenantId over HTTP with the environment token; returns the created user. */
  async function inviteByVendor(tenantId, body) {
    const token = await vendorToken();
    const res = await rawFetch(`${server.baseUrl}/identity/resources/users/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-access-token': token, 'frontegg-tenant-id': tenantId },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 201, `POST /identity/resources/users/v2 -> ${res.status}: ${text}`);
    return JSON.parse(text);
  }

  /** The newest e-mail to email in /dev/outbox: its link's path, userId and token, and the code. */
  async function lastMail(address) {
    const outbox = await rawFetch(`${server.baseUrl}/dev/outbox`);
    assert.equal(outbox.status, 200, `GET /dev/outbox -> ${outbox.status}`);
    const mails = await outbox.json();
    const mail = [...mails].reverse().find((m) => String(m.to).includes(address));
    assert.ok(mail, `no mail to ${address} in /dev/outbox`);
    const link = String(mail.body).match(/https?:\/\/\S*token=[^\s"'<>]+/)?.[0];
    assert.ok(link, `mail to ${address} has no link with token=: ${mail.body}`);
    const u = new URL(link.replace(/&amp;/g, '&'));
    return {
      subject: mail.subject,
      path: u.pathname,
      userId: u.searchParams.get('userId'),
      token: u.searchParams.get('token'),
      code: String(mail.body).match(/code, enter: (\d{6})/)?.[1],
    };
  }

  test('invitation: the vendor invites, api.auth.acceptInvitation accepts with the e-mailed token', async (t) => {
    if (!needs(t, s.tenantId, 'a signed-up tenant')) return;
    await traced(async () => {
      const inviteEmail = uniqueEmail('rest-invite');
      const created = await inviteByVendor(s.tenantId, { email: inviteEmail, name: 'Invited', password, metadata: '{}' });
      assert.ok(created.id, `invite answered without id: ${JSON.stringify(created)}`);
      assert.equal(created.verified, false, 'an invited user is not verified before accepting');
      const mail = await lastMail(inviteEmail);
      assert.equal(mail.path, '/account/invitation', 'invitation link path');
      assert.equal(mail.userId, created.id, 'invitation link userId');
      assert.match(String(mail.code), /^\d{6}$/, 'invitation e-mail carries a six-digit code');

      freshBrowser();
      const res = await api.auth.acceptInvitation({ userId: mail.userId, token: mail.token });
      assert.ok(res?.accessToken, `acceptInvitation answered without accessToken: ${JSON.stringify(res)}`);
      const claims = jwtPayload(res.accessToken);
      assert.equal(claims.sub, created.id, 'accepted token sub');
      assert.equal(claims.tenantId, s.tenantId, 'accepted token is for the inviting tenant');
      assert.equal(claims.email_verified, true, 'accepting verifies the e-mail');
      assert.ok(refreshCookie(), `acceptInvitation did not set ${cookieName}`);
      await expectRefusal(api.auth.acceptInvitation({ userId: mail.userId, token: mail.token }), [400], 'second use of the invitation token');

      freshBrowser();
      const user = await api.auth.login({ email: inviteEmail, password });
      assert.equal(user.id, created.id, 'the invited user logs in with the password');
      assert.equal(user.tenantId, s.tenantId, 'into the inviting tenant');
    });
  });

  test('invitation with code: api.auth.acceptInvitationWithOTC', async (t) => {
    if (!needs(t, s.tenantId, 'a signed-up tenant')) return;
    await traced(async () => {
      const inviteEmail = uniqueEmail('rest-invite-otc');
      const created = await inviteByVendor(s.tenantId, { email: inviteEmail, metadata: '{}' });
      const mail = await lastMail(inviteEmail);
      freshBrowser();
      const wrong = mail.code === '000000' ? '111111' : '000000';
      await expectRefusal(api.auth.acceptInvitationWithOTC({ userId: created.id, token: mail.token, code: wrong }), [400], 'a wrong invitation code');
      const res = await api.auth.acceptInvitationWithOTC({ userId: created.id, token: mail.token, code: mail.code });
      assert.equal(jwtPayload(res.accessToken).tenantId, s.tenantId, 'accepted with the code into the inviting tenant');
    });
  });

  test('activation e-mails: api.auth.resendActivationEmail answers alike for unknown e-mails', async () => {
    await traced(async () => {
      freshBrowser();
      const known = await api.auth.resendActivationEmail({ email });
      const unknown = await api.auth.resendActivationEmail({ email: uniqueEmail('nobody') });
      assert.deepEqual(known, unknown, 'resend activation must not reveal which e-mails exist');
    });
  });

  test('profile: api.users.updateUserProfileV2 changes the logged-in user', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      await api.auth.login({ email, password });
      const updated = await api.users.updateUserProfileV2({ name: 'Renamed Rest', metadata: '{"lang":"en"}' });
      assert.equal(updated.id, s.userId, 'updated profile id');
      assert.equal(updated.name, 'Renamed Rest', 'updated name');
      const me = await api.auth.getMeV2();
      assert.equal(me.name, 'Renamed Rest', 'users/v2/me shows the new name');
    });
  });

  test('sessions: api.auth getCurrentUserSessions, deleteSessionForUser, deleteAllSessionsForUser, session configurations', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      // Two earlier logins in other browsers, then this browser's own.
      freshBrowser();
      await api.auth.login({ email, password });
      const first = { ...refreshCookie() };
      freshBrowser();
      await api.auth.login({ email, password });
      const second = { ...refreshCookie() };
      freshBrowser();
      const me = await api.auth.login({ email, password });
      const mine = { ...refreshCookie() };
      const sid = jwtPayload(me.accessToken).sid;

      const sessions = await api.auth.getCurrentUserSessions();
      assert.ok(Array.isArray(sessions) && sessions.length >= 3, `users/sessions/v1/me must list the live sessions: ${JSON.stringify(sessions)}`);
      const current = sessions.filter((x) => x.current);
      assert.equal(current.length, 1, `exactly one session is current: ${JSON.stringify(sessions)}`);
      assert.equal(current[0].id, sid, 'the current session is the access token\'s (sid)');
      for (const x of sessions) {
        assert.ok(x.id && x.createdAt && x.expires && typeof x.ipAddress === 'string' && typeof x.userAgent === 'string', `ISessionResponse fields: ${JSON.stringify(x)}`);
        assert.ok(!Number.isNaN(Date.parse(x.expires)) && Date.parse(x.expires) > Date.now(), `expires is a future date: ${x.expires}`);
      }

      // End one other session: its refresh token is refused from then on.
      const other = sessions.find((x) => !x.current);
      await api.auth.deleteSessionForUser(other.id);
      const after = await api.auth.getCurrentUserSessions();
      assert.ok(!after.some((x) => x.id === other.id), 'the deleted session is no longer listed');
      await expectRefusal(api.auth.deleteSessionForUser('no-such-session'), [404], 'deleting an unknown session');

      // Session policy: read the defaults, save, read back, restore.
      const defaults = await api.auth.getSessionConfigurations();
      for (const k of ['sessionIdleTimeoutConfiguration', 'sessionTimeoutConfiguration', 'sessionConcurrentConfiguration']) {
        assert.equal(typeof defaults[k]?.isActive, 'boolean', `getSessionConfigurations ${k}.isActive: ${JSON.stringify(defaults)}`);
      }
      await api.auth.createOrUpdateSessionConfigrations({
        sessionIdleTimeoutConfiguration: { isActive: true, timeout: 3600 },
        sessionConcurrentConfiguration: { isActive: true, maxSessions: 100 },
      });
      const saved = await api.auth.getSessionConfigurations();
      assert.deepEqual(saved.sessionIdleTimeoutConfiguration, { isActive: true, timeout: 3600 }, 'idle timeout read back');
      assert.deepEqual(saved.sessionConcurrentConfiguration, { isActive: true, maxSessions: 100 }, 'concurrent limit read back');
      await expectRefusal(api.auth.createOrUpdateSessionConfigrations({ sessionIdleTimeoutConfiguration: { isActive: true, timeout: 5 } }), [400], 'a timeout under 60 seconds');
      await api.auth.createOrUpdateSessionConfigrations({
        sessionIdleTimeoutConfiguration: defaults.sessionIdleTimeoutConfiguration,
        sessionConcurrentConfiguration: defaults.sessionConcurrentConfiguration,
      });

      // End all the others: this browser stays signed in, the rest do not.
      await api.auth.deleteAllSessionsForUser();
      const left = await api.auth.getCurrentUserSessions();
      assert.deepEqual(left.map((x) => x.id), [sid], `only the current session is left: ${JSON.stringify(left)}`);
      for (const [name, c] of [['first', first], ['second', second]]) {
        jar.put(c);
        await expectRefusal(api.auth.refreshToken(), REFUSED, `refresh of the ${name} other session after deleteAllSessionsForUser`);
      }
      jar.put(mine);
      const again = await api.auth.refreshToken();
      assert.ok(again.accessToken, 'the current session still refreshes');
    });
  });

  /** The newest six-digit code sent (by e-mail or SMS) to address, from /dev/outbox. */
  async function lastCode(address) {
    const outbox = await rawFetch(`${server.baseUrl}/dev/outbox`);
    assert.equal(outbox.status, 200, `GET /dev/outbox -> ${outbox.status}`);
    const msg = [...(await outbox.json())].reverse().find((m) => m.to === address);
    assert.ok(msg, `no message to ${address} in /dev/outbox`);
    const code = String(msg.body).match(/\b(\d{6})\b/)?.[1];
    assert.ok(code, `message to ${address} has no code: ${msg.body}`);
    return code;
  }

  test('usernames: api.usernames createUsername, getUserOwnUsername, deleteUsername; login by username', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      await api.auth.login({ email, password });
      const username = `rest.${Date.now()}`;
      await api.usernames.createUsername({ username });
      const own = await api.usernames.getUserOwnUsername();
      assert.deepEqual({ username: own.username, userId: own.userId }, { username, userId: s.userId }, 'usernames/v1/me');
      await expectRefusal(api.usernames.createUsername({ username: 'has spaces' }), [400], 'a malformed username');
      freshBrowser();
      const byName = await api.auth.login({ username: username.toUpperCase(), password });
      assert.equal(byName.id, s.userId, 'login by username (case-insensitive)');
      await api.usernames.deleteUsername(username);
      await expectRefusal(api.usernames.getUserOwnUsername(), [404], 'usernames/v1/me after delete');
    });
  });

  test('phone numbers: api.userPhoneNumbers create, verify, list, delete with SMS codes from the outbox', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      await api.auth.login({ email, password });
      const phoneNumber = '+14155550142';
      const created = await api.userPhoneNumbers.createPhoneNumber({ phoneNumber });
      assert.ok(created.otcToken, `createPhoneNumber answered without otcToken: ${JSON.stringify(created)}`);
      const code = await lastCode(phoneNumber);
      const wrong = code === '000000' ? '111111' : '000000';
      await expectRefusal(api.userPhoneNumbers.verifyPhoneNumber({ otcToken: created.otcToken, code: wrong }), [400], 'a wrong SMS code');
      await api.userPhoneNumbers.verifyPhoneNumber({ otcToken: created.otcToken, code });
      const own = await api.userPhoneNumbers.getUserOwnPhoneNumbers();
      assert.equal(own.length, 1, `getUserOwnPhoneNumbers: ${JSON.stringify(own)}`);
      assert.equal(own[0].phoneNumber, phoneNumber, 'listed number');
      assert.equal(own[0].verified, true, 'listed number is verified');

      const del = await api.userPhoneNumbers.deletePhoneNumber(own[0].id);
      assert.equal(del.phoneId, own[0].id, 'deletePhoneNumber phoneId');
      assert.ok(del.otcToken, `deletePhoneNumber answered without otcToken: ${JSON.stringify(del)}`);
      await api.userPhoneNumbers.verifyDeletePhoneNumber(own[0].id, { otcToken: del.otcToken, code: await lastCode(phoneNumber) });
      assert.deepEqual(await api.userPhoneNumbers.getUserOwnPhoneNumbers(), [], 'no numbers after the verified delete');
    });
  });

  test('e-mail change: api.teams.updateEmail then api.teams.verifyEmail with the e-mailed code', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      await api.auth.login({ email, password });
      const newEmail = uniqueEmail('rest-changed');
      await api.teams.updateEmail(newEmail);
      const code = await lastCode(newEmail);
      await expectRefusal(api.teams.verifyEmail(newEmail, code === '000000' ? '111111' : '000000'), [400], 'a wrong e-mail code');
      await api.teams.verifyEmail(newEmail, code);
      freshBrowser();
      const user = await api.auth.login({ email: newEmail, password });
      assert.equal(user.id, s.userId, 'login with the changed e-mail');
      // Change back, so later steps keep using the original address.
      await api.teams.updateEmail(email);
      await api.teams.verifyEmail(email, await lastCode(email));
    });
  });

  test('groups: api.groups create, get, update, users, roles, delete; api.users.getUsersGroups (the tenant\'s Admin)', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      await api.auth.login({ email, password });
      const name = `Interop group ${Date.now()}`;
      const g = await api.groups.createGroup({ name, color: '#336699', description: 'made by the official client', metadata: '{"k":1}' });
      assert.ok(g.id, `createGroup answered without id: ${JSON.stringify(g)}`);
      assert.equal(g.name, name, 'createGroup name');
      assert.equal(g.managedBy, 'frontegg', 'createGroup managedBy');
      await expectRefusal(api.groups.createGroup({ name: name.toUpperCase() }), [409], 'a second group with the same name');

      await api.groups.addUsersToGroup(g.id, { userIds: [s.userId] });
      const authz = await api.auth.getUserAuthorization();
      const roleId = authz.roles?.[0]?.id;
      assert.ok(roleId, `the signed-up user holds a role: ${JSON.stringify(authz)}`);
      await api.groups.addRolesToGroup(g.id, { roleIds: [roleId] });

      const got = await api.groups.getGroupById({ groupId: g.id }, { _groupsRelations: 'rolesAndUsers' });
      assert.ok(got.users?.some((u) => u.id === s.userId && u.email === email), `group users: ${JSON.stringify(got.users)}`);
      assert.ok(got.roles?.some((r) => r.id === roleId), `group roles: ${JSON.stringify(got.roles)}`);
      const list = await api.groups.getGroups({ _groupsRelations: 'users' });
      assert.ok(list.groups?.some((x) => x.id === g.id), `getGroups: ${JSON.stringify(list)}`);
      const some = await api.groups.getGroupsByIds({ groupsIds: [g.id, 'no-such-group'] }, { _groupsRelations: 'roles' });
      assert.deepEqual(some.groups?.map((x) => x.id), [g.id], 'getGroupsByIds');
      const upd = await api.groups.updateGroup({ groupId: g.id, description: 'changed' });
      assert.equal(upd.description, 'changed', 'updateGroup description');
      assert.equal(upd.name, name, 'updateGroup keeps the name');
      const ug = await api.users.getUsersGroups({ ids: [s.userId] });
      assert.ok(
        Array.isArray(ug) && ug.some((x) => x.userId === s.userId && x.groupIds.includes(g.id)),
        `users/v3/groups: ${JSON.stringify(ug)}`,
      );

      await api.groups.deleteRolesFromGroup(g.id, { roleIds: [roleId] });
      await api.groups.deleteUsersFromGroup(g.id, { userIds: [s.userId] });
      const emptied = await api.groups.getGroupById({ groupId: g.id });
      assert.deepEqual([emptied.users?.length, emptied.roles?.length], [0, 0], `group after removals: ${JSON.stringify(emptied)}`);
      await api.groups.deleteGroup(g.id);
      await expectRefusal(api.groups.getGroupById({ groupId: g.id }), [404], 'a deleted group');
      // The groups configuration is the vendor's.
      await expectRefusal(api.groups.getGroupConfiguration(), [403], 'groups configuration with a user token');
    });
  });

  test('accounts: api.accountSettings, api.subTenants and the api.tenants hierarchy reads (/frontegg/tenants)', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      await api.auth.login({ email, password });
      const updated = await api.accountSettings.updateSettings({ timezone: 'Europe/Paris', currency: 'eur', applicationUrl: 'https://app.interop.example' });
      assert.equal(updated.tenantId, s.tenantId, 'updateSettings acts on the token\'s account');
      assert.equal(updated.currency, 'EUR', 'currency codes are upper-cased');
      const settings = await api.accountSettings.getSettings();
      assert.equal(settings.timezone, 'Europe/Paris', 'getSettings timezone');
      const pub = await api.accountSettings.getPublicSettings();
      assert.deepEqual({ tenantId: pub.tenantId, applicationUrl: pub.applicationUrl }, { tenantId: s.tenantId, applicationUrl: 'https://app.interop.example' }, 'getPublicSettings');
      await expectRefusal(api.accountSettings.updateSettings({ timezone: 'not a zone' }), [400], 'an invalid time zone');

      const subId = `interop-sub-${Date.now()}`;
      const sub = await api.subTenants.createSubTenant({ tenantId: subId, name: 'Interop Sub', parentTenantId: s.tenantId });
      assert.equal(sub.tenantId, subId, 'createSubTenant tenantId');
      const managed = await api.subTenants.updateSubTenantManagement({ tenantId: subId }, { isReseller: true });
      assert.equal(managed.isReseller, true, 'updateSubTenantManagement isReseller');
      const hs = await api.subTenants.updateSubTenantHierarchySettings({ tenantId: s.tenantId }, { subAccountAccessType: 'defaultOn' });
      assert.equal(hs.subAccountAccessType, 'defaultOn', 'updateSubTenantHierarchySettings');
      const subs = await api.tenants.getSubTenants();
      assert.deepEqual(subs.map((x) => [x.tenantId, x.level]), [[subId, 1]], 'getSubTenants');
      const tree = await api.tenants.getSubTenantsAsTree();
      assert.equal(tree.tenantId, s.tenantId, 'getSubTenantsAsTree root');
      assert.deepEqual(tree.children.map((x) => x.tenantId), [subId], 'getSubTenantsAsTree children');
      assert.deepEqual(await api.tenants.getParentTenants(), [], 'a top-level account has no parents');
      await expectRefusal(api.subTenants.deleteSubTenant(s.tenantId), [404], 'deleting one\'s own account as a sub-account');
      await api.subTenants.deleteSubTenant(subId);
      assert.deepEqual(await api.tenants.getSubTenants(), [], 'getSubTenants after deleteSubTenant');
    });
  });

  test('wrong password is refused with a Frontegg error body', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      const err = await expectRefusal(api.auth.login({ email, password: `${password}x` }), [400, 401], 'login with a wrong password');
      assert.ok(err instanceof FronteggApiError, `expected FronteggApiError, got ${err}`);
      assert.ok(Array.isArray(err.errors) && err.errors.length > 0, `error body must carry errors: [...], got ${JSON.stringify(err.errors)}`);
      assert.notEqual(err.errorCode, GENERIC_ERROR_CODE, 'error body must carry its own errorCode');
      assert.match(String(err.errorCode), /^ER-/, 'error body errorCode');
    });
  });

  test('captcha policy: api.securityPolicy.getCaptchaPolicy reads the public view, never the secret', async () => {
    await traced(async () => {
      freshBrowser();
      // No policy yet: the client turns the 404 into null.
      assert.equal(await api.securityPolicy.getCaptchaPolicy(), null, 'getCaptchaPolicy without a policy');
      const auth = await rawFetch(`${server.baseUrl}/auth/vendor`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: server.clientId, secret: server.secret }),
      });
      const { token } = await auth.json();
      const created = await rawFetch(`${server.baseUrl}/identity/resources/configurations/v1/captcha-policy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-access-token': token },
        body: JSON.stringify({ enabled: false, siteKey: 'interop-site-key', secretKey: 'interop-secret', minScore: 0.5 }),
      });
      assert.equal(created.status, 201, `creating the captcha policy: ${await created.text()}`);
      const p = await api.securityPolicy.getCaptchaPolicy();
      assert.equal(p?.siteKey, 'interop-site-key', `getCaptchaPolicy: ${JSON.stringify(p)}`);
      assert.equal(p.enabled, false, 'getCaptchaPolicy enabled');
      assert.ok(p.id, 'getCaptchaPolicy id');
      assert.ok(!JSON.stringify(p).includes('interop-secret'), `the public policy reveals the secret: ${JSON.stringify(p)}`);
    });
  });

  /** Polls /dev/outbox for a mail to address whose link opens path and that differs from notToken (delivery runs in the background). */
  async function waitForMail(address, path, notToken) {
    const deadline = Date.now() + 5000;
    for (;;) {
      const outbox = await rawFetch(`${server.baseUrl}/dev/outbox`);
      const mails = await outbox.json();
      const mail = [...mails].reverse().find((m) => String(m.to).includes(address) && String(m.body).includes(path));
      if (mail) {
        const link = String(mail.body).match(/https?:\/\/\S*token=[^\s"'<>]+/)?.[0];
        const u = new URL(link.replace(/&amp;/g, '&'));
        if (u.searchParams.get('token') !== notToken) {
          return { path: u.pathname, userId: u.searchParams.get('userId'), token: u.searchParams.get('token') };
        }
      }
      assert.ok(Date.now() < deadline, `no ${path} mail to ${address} in /dev/outbox within 5 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('password reset: api.auth.forgotPassword, then api.auth.resetPassword with the e-mailed token', async (t) => {
    if (!needs(t, s.userId, 'a signed-up user')) return;
    await traced(async () => {
      freshBrowser();
      // The login box renders the rules of the reset page from loadPasswordConfig.
      const cfg = await api.auth.loadPasswordConfig({ userId: s.userId });
      assert.equal(typeof cfg.minLength, 'number', `loadPasswordConfig: ${JSON.stringify(cfg)}`);
      assert.equal(typeof cfg.blockPwnedPasswords, 'boolean', `loadPasswordConfig: ${JSON.stringify(cfg)}`);
      // An unknown e-mail gets the same (empty) answer as a known one.
      const unknown = await api.auth.forgotPassword({ email: uniqueEmail('rest-nobody') });
      const known = await api.auth.forgotPassword({ email });
      assert.deepEqual(known, unknown, 'forgotPassword answers the same for unknown and known e-mails');
      const mail = await waitForMail(email, '/account/reset-password');
      assert.equal(mail.userId, s.userId, 'reset link userId');
      const newPassword = `${password}-reset`;
      await expectRefusal(api.auth.resetPassword({ userId: s.userId, token: mail.token, password: 'x' }), [400], 'a too-short new password');
      await api.auth.resetPassword({ userId: s.userId, token: mail.token, password: newPassword });
      await expectRefusal(api.auth.resetPassword({ userId: s.userId, token: mail.token, password: `${newPassword}2` }), [400], 'second use of the reset token');
      await expectRefusal(api.auth.login({ email, password }), [400, 401], 'login with the old password');
      const user = await api.auth.login({ email, password: newPassword });
      assert.equal(user.id, s.userId, 'login with the new password');
      // Back to the original password through api.teams.changePassword.
      await expectRefusal(api.teams.changePassword({ password: 'wrong', newPassword: password }), [400], 'change with a wrong current password');
      await api.teams.changePassword({ password: newPassword, newPassword: password });
      freshBrowser();
      const again = await api.auth.login({ email, password });
      assert.equal(again.id, s.userId, 'login after changing the password back');
    });
  });
});
