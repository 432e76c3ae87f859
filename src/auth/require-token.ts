import type { Context, MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../http/context";
import { extractBearerToken } from "../tokens/bearer";
import type { VerifiedToken } from "../tokens/verify";
import { verifyToken } from "./verify-token";

/**
 * Verifies the caller's bearer token and checks it against the revocations. Verification comes
 * first, so a forged or expired token is refused without any KV read.
 */
export async function authenticate(c: Context<GatewayEnv>): Promise<VerifiedToken> {
	const deps = c.get("deps");
	const compactToken = extractBearerToken(c.req.header("Authorization"));

	const token = await verifyToken(deps, compactToken);
	// The token id identifies the caller in the log; the token itself never appears. The key id
	// (a thumbprint for an external issuer's key) is what a leaked key is revoked by.
	c.set("logFields", {
		...c.get("logFields"),
		token_id: token.tokenId,
		key_id: token.keyId ?? "none",
	});

	await deps.revocations.assertNotRevoked(token);
	c.set("token", token);
	return token;
}

/** Middleware form of `authenticate` for routes that need a valid, unrevoked token. */
export const requireToken: MiddlewareHandler<GatewayEnv> = async (c, next) => {
	await authenticate(c);
	await next();
};
