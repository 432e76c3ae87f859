import type { Route } from "../config/routes";

/**
 * Whether a request is a CORS preflight: an OPTIONS request with `Origin` and
 * `Access-Control-Request-Method`, as browsers send before a cross-origin call (Fetch standard).
 * Browsers never attach credentials to one, so a route that must serve them lets them through.
 */
export function isCorsPreflight(request: Request): boolean {
	const { headers } = request;
	return (
		request.method === "OPTIONS" &&
		headers.has("origin") &&
		headers.has("access-control-request-method") &&
		// Browsers send preflights without a body; one that carries a body is no preflight, and
		// must not ride along to the origin without a token.
		(request.body === null || headers.get("content-length") === "0")
	);
}

/**
 * Whether the request must present a valid, unrevoked token before it is forwarded. An optional
 * route checks a token whenever an `Authorization` header is present, so a bad or revoked token
 * is refused there too rather than quietly forwarded as anonymous.
 */
export function needsToken(route: Route, request: Request): boolean {
	if (route.auth === "public") {
		return false;
	}
	if (route.forwardPreflight && isCorsPreflight(request)) {
		return false;
	}
	if (route.auth === "optional") {
		return request.headers.has("authorization");
	}
	return true;
}
