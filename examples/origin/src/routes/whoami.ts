import { Hono } from "hono";
import { errorResponse } from "../error-response";
import { readForwardedIdentity } from "../forwarded-identity";

/** Echoes the identity the gateway forwarded, so a developer can see what the origin receives. */
export const whoamiRoute = new Hono().get("/api/whoami", (context) => {
	const result = readForwardedIdentity(context.req.raw.headers);
	switch (result.kind) {
		case "anonymous":
			return errorResponse(
				context,
				401,
				"unauthenticated",
				"no identity was forwarded by the gateway",
			);
		case "malformed":
			return errorResponse(context, 400, "invalid_request", result.description);
		case "identified": {
			const { identity } = result;
			return context.json(
				{
					sub: identity.subject,
					sid: identity.sessionId,
					jti: identity.tokenId,
					expires_at: identity.expiresAt,
					claims: identity.claims,
				},
				200,
			);
		}
	}
});
