import type { Context } from "hono";
import type { GatewayEnv } from "../http/context";
import { errorResponse } from "../http/error-response";
import { GatewayError } from "../http/errors";

/**
 * For a gateway-owned path called with a method it does not serve: 405 with the `Allow` header
 * that RFC 9110 §15.5.6 requires, naming the methods it does serve.
 */
export function methodNotAllowed(...allowed: string[]) {
	return (c: Context<GatewayEnv>) =>
		errorResponse(
			c,
			"method_not_allowed",
			`${c.req.method} is not allowed on ${new URL(c.req.url).pathname}; use ${allowed.join(", ")}.`,
			{ Allow: allowed.join(", ") },
		);
}

/** For paths under a gateway-owned prefix (/auth, /admin, /oauth) that do not exist. */
export function unknownRoute(): never {
	throw new GatewayError("not_found", "The gateway has no such route.");
}
