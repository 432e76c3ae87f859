import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "./context";

/** Header that carries the request id to the client and to the origin. */
export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Gives each request an id and writes one JSON log line when it ends: request id, method, route,
 * status, outcome code and duration. The path is logged without its query, which can hold tokens.
 */
export const requestLog: MiddlewareHandler<GatewayEnv> = async (c, next) => {
	const { logger, clock } = c.get("deps");
	const startedAt = clock();
	const requestId = crypto.randomUUID();
	c.set("requestId", requestId);

	await next();

	c.header(REQUEST_ID_HEADER, requestId);
	logger.info("request", {
		request_id: requestId,
		method: c.req.method,
		route: c.req.routePath,
		path: c.req.path.slice(0, 200),
		status: c.res.status,
		outcome: c.get("outcome") ?? "ok",
		duration_ms: clock() - startedAt,
		...c.get("logFields"),
	});
};
