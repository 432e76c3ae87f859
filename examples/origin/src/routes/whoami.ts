import { Hono } from "hono";
import { errorResponse } from "../error-response";
import type { OriginEnv } from "../origin-env";

/**
 * Answers the identity the gateway vouched for in its assertion, so a developer can see what the
 * origin receives. A request that came through the gateway without a token is anonymous here.
 */
export const whoamiRoute = new Hono<OriginEnv>().get("/api/whoami", (context) => {
	const assertion = context.get("gatewayAssertion");
	if (assertion.subject === null) {
		return errorResponse(context, 401, "unauthenticated", "the gateway forwarded no identity");
	}
	return context.json(
		{
			// A subject is only unique together with its issuer: an external provider's `alice`
			// is not the gateway's own `alice`.
			iss: assertion.tokenClaims?.iss ?? null,
			sub: assertion.subject,
			sid: assertion.sessionId,
			jti: assertion.tokenId,
			expires_at: assertion.tokenClaims?.exp ?? null,
			claims: assertion.tokenClaims,
		},
		200,
	);
});
