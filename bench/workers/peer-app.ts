import { Hono, type MiddlewareHandler } from "hono";
import { type JwtVariables, jwt } from "hono/jwt";
import { proxy } from "hono/proxy";

/** Bindings of the comparison peers: the gateway's own settings, by the same names. */
export interface PeerEnv {
	SIGNING_KEY: string;
	UPSTREAM_URL: string;
	TOKEN_ISSUER: string;
	TOKEN_AUDIENCE: string;
	/** Only the naive revocation peer has it. */
	REVOCATIONS?: KVNamespace;
}

export interface PeerClaims {
	sub: string;
	jti: string;
	sid?: string;
	iat?: number;
}

export type PeerHonoEnv = { Bindings: PeerEnv; Variables: JwtVariables<PeerClaims> };

/**
 * A comparison peer as a team would write it with Hono's own helpers: the `jwt` middleware
 * (HS256, issuer, audience and `typ` checked), an optional revocation step, and the `proxy`
 * helper forwarding to the same origin as the gateway. The two peers differ only in that step.
 */
export function createPeer(checkRevocation?: MiddlewareHandler<PeerHonoEnv>): Hono<PeerHonoEnv> {
	const app = new Hono<PeerHonoEnv>();

	// Hono's middleware takes its secret when it is created; the secret is a binding, known only
	// with the first request, so the middleware is created then and kept for the isolate.
	let verifyToken: MiddlewareHandler<PeerHonoEnv> | undefined;
	app.use(async (c, next) => {
		verifyToken ??= jwt({
			secret: c.env.SIGNING_KEY,
			alg: "HS256",
			verification: { iss: c.env.TOKEN_ISSUER, aud: c.env.TOKEN_AUDIENCE, typ: "at+jwt" },
		});
		return verifyToken(c, next);
	});
	if (checkRevocation !== undefined) {
		app.use(checkRevocation);
	}

	app.all("*", (c) => {
		const clientUrl = new URL(c.req.url);
		const upstreamUrl = new URL(`${clientUrl.pathname}${clientUrl.search}`, c.env.UPSTREAM_URL);
		return proxy(upstreamUrl, {
			raw: c.req.raw,
			headers: {
				...c.req.header(),
				authorization: undefined,
				"x-gateway-auth-subject": encodeURIComponent(c.get("jwtPayload").sub),
				"x-forwarded-host": clientUrl.host,
			},
		});
	});
	return app;
}
