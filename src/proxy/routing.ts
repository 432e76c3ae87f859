import { matchRoute, type Route } from "../config/routes";
import { GatewayError } from "../http/errors";

// Percent-encoded slash, backslash and dot: what an origin that decodes before routing would
// turn into path separators and dot segments.
const ENCODED_SEPARATOR = /%(2f|5c|2e)/gi;

/**
 * The path as a lenient origin might route it: separators and dots decoded, repeated slashes
 * merged, dot segments resolved.
 */
function leniently(path: string): string {
	const decoded = path
		.replace(ENCODED_SEPARATOR, (escaped) => decodeURIComponent(escaped))
		.replace(/[/\\]{2,}/g, "/");
	return new URL(decoded, "http://path.invalid").pathname;
}

/**
 * The route for a request path (as normalised by the URL parser). Throws `route_not_found` when
 * no route matches.
 *
 * The path is forwarded exactly as received, `%2F` included. An origin that decodes `%2F` or
 * merges `//` before routing would then serve another path than the one the gateway checked, so
 * `/public/..%2Fadmin` could reach a protected route without a token. A path whose lenient
 * reading falls under another route is refused instead; one that stays on its route passes.
 */
export function resolveRoute(path: string, routes: readonly Route[]): Route {
	const route = matchRoute(path, routes);
	if (route === undefined) {
		throw new GatewayError("route_not_found", "No route of the gateway serves this path.");
	}
	if (matchRoute(leniently(path), routes) !== route) {
		throw new GatewayError(
			"path_ambiguous",
			"The path reads differently once its escapes are decoded; send it unambiguously.",
		);
	}
	return route;
}
