import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../http/context";
import { GatewayError } from "../http/errors";
import { extractBearerToken } from "../tokens/bearer";
import { secretsMatch } from "./constant-time";

/** Lets a request through only with `Authorization: Bearer <ADMIN_API_KEY>`. */
export const requireAdmin: MiddlewareHandler<GatewayEnv> = async (c, next) => {
	const { settings } = c.get("deps");
	let presented: string;
	try {
		presented = extractBearerToken(c.req.header("Authorization"));
	} catch {
		throw new GatewayError("admin_key_invalid", "The admin API key is missing or wrong.");
	}
	if (!(await secretsMatch(presented, settings.adminApiKey))) {
		throw new GatewayError("admin_key_invalid", "The admin API key is missing or wrong.");
	}
	await next();
};
