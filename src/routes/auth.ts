import { Hono } from "hono";
import { z } from "zod";
import { requireToken } from "../auth/require-token";
import type { GatewayEnv } from "../http/context";
import { GatewayError } from "../http/errors";
import { readJsonBody } from "../http/json-body";
import { mintAccessToken } from "../tokens/mint";
import { checkCredentials } from "./credential-check";
import { methodNotAllowed, unknownRoute } from "./fallbacks";

const loginBody = z.object({
	username: z.string().min(1).max(256),
	password: z.string().min(1).max(1024),
});

/** `/auth/*`: log in (mint a token for a fresh session) and log out (revoke it). */
export const authRoutes = new Hono<GatewayEnv>();

authRoutes.post("/login", async (c) => {
	const deps = c.get("deps");
	const credentials = await readJsonBody(c, loginBody);

	const identity = await checkCredentials(deps, credentials);

	const minted = await mintAccessToken({
		subject: identity.sub,
		extraClaims: identity.claims,
		settings: deps.settings,
		signingKey: deps.keys.current,
		now: deps.clock(),
	});
	c.set("logFields", { token_id: minted.tokenId, session_id: minted.sessionId });
	// RFC 6749 §5.1: responses that carry tokens must not be cached.
	return c.json(
		{ access_token: minted.token, token_type: "Bearer", expires_in: minted.expiresIn },
		200,
		{ "Cache-Control": "no-store", Pragma: "no-cache" },
	);
});

authRoutes.post("/logout", requireToken, async (c) => {
	const { revocations } = c.get("deps");
	const token = c.get("token");
	if (token === undefined) {
		throw new GatewayError("internal_error", "logout ran without a verified token");
	}

	// Ending the session covers every token of this login; a token without a session can only
	// be revoked by itself.
	const outcome =
		token.sessionId === undefined
			? await revocations.revoke({
					kind: "token",
					id: token.tokenId,
					issuer: token.issuerName,
					expiresAt: token.claims.exp,
					revokedBy: "self",
					reason: "logout",
				})
			: await revocations.revoke({
					kind: "session",
					id: token.sessionId,
					issuer: token.issuerName,
					revokedBy: "self",
					reason: "logout",
				});
	return c.json({ revoked: outcome.record });
});

authRoutes.all("/login", methodNotAllowed("POST"));
authRoutes.all("/logout", methodNotAllowed("POST"));
authRoutes.all("*", unknownRoute);
