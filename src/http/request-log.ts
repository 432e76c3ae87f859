import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "./context";

/** Header that carries the request id to the client and to the origin. */
export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * The path of a request URL exactly as it is forwarded, escapes and all; Hono's `c.req.path`
 * decodes them, which would log another path than the one that was checked.
 */
function rawPathOf(url: string): string {
	const start = url.indexOf("/", url.indexOf("//") + 2);
	if (start < 0) {
		return "/";
	}
	const query = url.indexOf("?", start);
	return url.slice(start, query < 0 ? undefined : query);
}

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

	// Set on the response in place: Hono's `c.header` on a finished response copies the whole
	// Response first. Only a response with immutable headers (as fetch returns them) needs that.
	try {
		c.res.headers.set(REQUEST_ID_HEADER, requestId);
	} catch {
		c.header(REQUEST_ID_HEADER, requestId);
	}
	logger.info("request", {
		request_id: requestId,
		method: c.req.method,
		route: c.req.routePath,
		path: rawPathOf(c.req.url).slice(0, 200),
		status: c.res.status,
		outcome: c.get("outcome") ?? "ok",
		duration_ms: clock() - startedAt,
		...c.get("logFields"),
	});
};
