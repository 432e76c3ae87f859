import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./error-response";
import { verifyGatewayAssertion } from "./gateway-assertion";
import type { OriginEnv } from "./origin-env";

/**
 * Refuses a request that did not come through the gateway: without a valid assertion it gets
 * 401, whatever identity headers it carries, so reaching the origin directly gains nothing.
 */
export function requireGatewayAssertion(now: () => number): MiddlewareHandler<OriginEnv> {
	return async (context, next) => {
		const {
			ORIGIN_ASSERTION_SECRET: secret,
			GATEWAY_ISSUER: issuer,
			ASSERTION_AUDIENCE: audience,
		} = context.env;
		if (!secret || !issuer || !audience) {
			// A missing setting is the origin's fault; every request is refused until it is fixed.
			console.error("ORIGIN_ASSERTION_SECRET, GATEWAY_ISSUER or ASSERTION_AUDIENCE is not set");
			return errorResponse(context, 500, "server_error", "the origin is misconfigured");
		}
		const result = await verifyGatewayAssertion(context.req.raw, {
			secret,
			issuer,
			audience,
			now: now(),
		});
		if (result.kind === "invalid") {
			return errorResponse(context, 401, "invalid_gateway_assertion", result.description);
		}
		context.set("gatewayAssertion", result.assertion);
		await next();
	};
}
