import { type Context, Hono } from "hono";
import { secretsMatch } from "../auth/constant-time";
import { type RevocableToken, verifyToken, verifyTokenToRevoke } from "../auth/verify-token";
import type { GatewayDependencies, GatewayEnv } from "../http/context";
import { GatewayError } from "../http/errors";
import { readFormBody } from "../http/form-body";
import { extractBearerToken, MAX_TOKEN_BYTES } from "../tokens/bearer";
import { methodNotAllowed, unknownRoute } from "./fallbacks";

/** `/oauth/*`: RFC 7009 token revocation and RFC 7662 token introspection. */
export const oauthRoutes = new Hono<GatewayEnv>();

const TOKEN_TYPE_HINTS = new Set(["access_token", "refresh_token"]);

/** Reads `token` and `token_type_hint` from the form body. */
async function readTokenParameters(c: Context<GatewayEnv>) {
	const form = await readFormBody(c);
	// Surrounding whitespace is never part of a JWT; trimmed, as for the Authorization header.
	const token = form.get("token")?.trim();
	if (token === undefined || token === "") {
		throw new GatewayError("invalid_request", "The token parameter is required.");
	}
	return { token, hint: form.get("token_type_hint") };
}

/**
 * Verifies a presented token; undefined when it is not a live token of this gateway. When a
 * trusted issuer's keys cannot be fetched, whether the token is live is unknown: that is a 503,
 * never "not a token", or a revocation would be reported done while nothing was stored.
 */
async function verifyPresentedToken<Verified>(
	c: Context<GatewayEnv>,
	token: string,
	verify: (deps: GatewayDependencies, token: string) => Promise<Verified>,
): Promise<Verified | undefined> {
	if (token.length > MAX_TOKEN_BYTES) {
		return undefined;
	}
	try {
		return await verify(c.get("deps"), token);
	} catch (error) {
		if (error instanceof GatewayError && error.code !== "issuer_keys_unavailable") {
			c.set("logFields", { ...c.get("logFields"), token_outcome: error.code });
			return undefined;
		}
		throw error;
	}
}

/** Whether the request carries the admin key as its bearer credential. */
async function isAdmin(c: Context<GatewayEnv>): Promise<boolean> {
	const authorization = c.req.header("Authorization");
	if (authorization === undefined) {
		return false;
	}
	try {
		const presented = extractBearerToken(authorization);
		return await secretsMatch(presented, c.get("deps").settings.adminApiKey);
	} catch {
		return false;
	}
}

// RFC 7009. Holding a token is enough to revoke it, as for public clients; the admin key may be
// sent as well. Unknown, invalid and expired tokens still get 200, as §2.2 requires, so the
// endpoint tells a caller nothing about tokens it does not hold.
oauthRoutes.post("/revoke", async (c) => {
	const { revocations } = c.get("deps");
	const { token, hint } = await readTokenParameters(c);
	if (c.req.header("Authorization") !== undefined && !(await isAdmin(c))) {
		throw new GatewayError("admin_key_invalid", "Send no Authorization, or the admin API key.");
	}

	// A token that is not valid yet is revocable too: it would pass once its time comes.
	const revocable: RevocableToken | undefined = await verifyPresentedToken(
		c,
		token,
		verifyTokenToRevoke,
	);
	if (revocable === undefined) {
		// The gateway issues no refresh tokens, so one cannot be revoked here (§2.2.1).
		if (hint === "refresh_token") {
			c.set("outcome", "unsupported_token_type");
			return c.json(
				{
					error: "unsupported_token_type",
					error_description: "This gateway issues and revokes access tokens only.",
				},
				400,
				{ "Cache-Control": "no-store" },
			);
		}
		return c.body(null, 200, { "Cache-Control": "no-store" });
	}

	const verified = revocable.token;
	await revocations.revoke({
		kind: "token",
		id: verified.tokenId,
		issuer: verified.issuerName,
		expiresAt: verified.claims.exp,
		validFrom: revocable.validFrom,
		revokedBy: "oauth",
		reason: "RFC 7009 revocation",
	});
	c.set("logFields", { ...c.get("logFields"), token_id: verified.tokenId });
	return c.body(null, 200, { "Cache-Control": "no-store" });
});

// RFC 7662, for the admin (the protected resource's back office). Revoked, expired, malformed
// and foreign tokens all read `{"active": false}` and nothing else (§2.2); a token whose
// issuer's keys cannot be fetched right now gets the same 503 as on any other route.
oauthRoutes.post("/introspect", async (c) => {
	if (!(await isAdmin(c))) {
		throw new GatewayError("admin_key_invalid", "The admin API key is missing or wrong.");
	}
	const { token, hint } = await readTokenParameters(c);
	if (hint !== undefined && !TOKEN_TYPE_HINTS.has(hint)) {
		// Only that a hint was ignored: its text is the caller's, and could be a pasted token.
		c.set("logFields", { ...c.get("logFields"), ignored_hint: true });
	}
	const inactive = () => c.json({ active: false }, 200, { "Cache-Control": "no-store" });

	const verified = await verifyPresentedToken(c, token, verifyToken);
	if (verified === undefined) {
		return inactive();
	}
	try {
		await c.get("deps").revocations.assertNotRevoked(verified);
	} catch (error) {
		if (error instanceof GatewayError && error.code === "token_revoked") {
			return inactive();
		}
		throw error;
	}
	// RFC 7662 §2.2 gives `iat` as an integer; the gateway mints it with milliseconds.
	const iat = Math.floor(verified.claims.iat);
	return c.json({ ...verified.claims, iat, active: true, token_type: "Bearer" }, 200, {
		"Cache-Control": "no-store",
	});
});

oauthRoutes.all("/revoke", methodNotAllowed("POST"));
oauthRoutes.all("/introspect", methodNotAllowed("POST"));
oauthRoutes.all("*", unknownRoute);
