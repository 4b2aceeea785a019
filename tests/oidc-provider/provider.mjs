// A real OpenID provider (the `oidc-provider` package) on loopback for Chatalot's
// SSO tests. It signs tokens with a fresh RSA key on every start, so restarting it
// on the same port is a key rotation.
//
// Environment:
//   OIDC_TEST_PORT     port on 127.0.0.1 (default 0: any free port)
//   OIDC_TEST_CLIENTS  JSON array of { client_id, client_secret, redirect_uris }
//
// Prints one JSON line when ready: {"issuer":"http://127.0.0.1:<port>"}.
//
// Accounts: any login name signs in (the dev login form accepts any password).
// The name is the subject; `preferred_username` is the part before a `~`, so
// `alice` and `alice~2` are two people who both prefer the name "alice".
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT ?? 0);
const clients = JSON.parse(process.env.OIDC_TEST_CLIENTS ?? '[]').map((c) => ({
	grant_types: ['authorization_code'],
	response_types: ['code'],
	token_endpoint_auth_method: 'client_secret_basic',
	...c
}));

function account(id) {
	const preferred = id.split('~')[0];
	return {
		accountId: id,
		async claims() {
			return {
				sub: id,
				preferred_username: preferred,
				name: `Test ${preferred}`,
				email: `${id.replace(/[^A-Za-z0-9]/g, '')}@example.test`,
				email_verified: true
			};
		}
	};
}

const server = createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `key-${Date.now()}`, use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
	clients,
	jwks: { keys: [signingKey] },
	pkce: { required: () => true },
	scopes: ['openid', 'email', 'profile'],
	claims: {
		openid: ['sub'],
		email: ['email', 'email_verified'],
		profile: ['preferred_username', 'name']
	},
	// Put email and preferred_username into the ID token of the code flow.
	conformIdTokenClaims: false,
	features: { devInteractions: { enabled: true } },
	cookies: { keys: ['chatalot-test-only-cookie-key'] },
	findAccount: (_ctx, id) => account(id),
	// Consent is given up front: tests sign in without a consent screen.
	async loadExistingGrant(ctx) {
		const grantId =
			ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
		if (grantId) return ctx.oidc.provider.Grant.find(grantId);
		const grant = new ctx.oidc.provider.Grant({
			clientId: ctx.oidc.client.clientId,
			accountId: ctx.oidc.session.accountId
		});
		grant.addOIDCScope('openid email profile');
		grant.addOIDCClaims(['email', 'email_verified', 'preferred_username', 'name']);
		await grant.save();
		return grant;
	}
});
provider.on('server_error', (_ctx, err) => console.error('provider error:', err));
server.on('request', provider.callback());
console.log(JSON.stringify({ issuer }));

for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => server.close(() => process.exit(0)));
}
