import type { Context } from "hono";
import type { GatewayEnv } from "../http/context";
import { GatewayError } from "../http/errors";

/** For a gateway-owned path called with a method it does not serve. */
export function methodNotAllowed(c: Context<GatewayEnv>): never {
	throw new GatewayError(
		"method_not_allowed",
		`${c.req.method} is not allowed on ${new URL(c.req.url).pathname}.`,
	);
}

/** For paths under a gateway-owned prefix (/auth, /admin, /oauth) that do not exist. */
export function unknownRoute(): never {
	throw new GatewayError("not_found", "The gateway has no such route.");
}
