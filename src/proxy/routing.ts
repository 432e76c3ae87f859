import { matchRoute, type Route } from "../config/routes";
import { GatewayError } from "../http/errors";

const ANY_ESCAPE = /%[0-9a-f]{2}/gi;
const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/;
// What makes some lenient reading of a path differ from the path itself: an escape, a backslash,
// a `;` parameter, an upper-case letter, a repeated slash, a trailing slash.
const READS_DIFFERENTLY = /[%\\;A-Z]|\/\/|.\/$/;
// Escapes that no plain path needs and that some origins decode into something else: NUL, which
// can cut a path short; IIS's `%u` form; the overlong UTF-8 lead bytes C0 and C1, once read as
// `.` and `/`; and an escaped `%` followed by hex digits, which an origin that decodes twice
// would turn into a second escape.
const DECODED_ELSEWHERE = /%00|%u|%c[01]|%25[0-9a-f]{2}/i;

/**
 * Every escape decoded once, byte by byte, as an origin that decodes before routing reads the
 * path; backslashes read as slashes, as some servers do.
 */
function decodedOnce(path: string): string {
	return path
		.replace(ANY_ESCAPE, (escaped) => String.fromCharCode(Number.parseInt(escaped.slice(1), 16)))
		.replaceAll("\\", "/");
}

/**
 * The readings under which common origins might route a path: escapes decoded, repeated
 * slashes merged, `;` parameters dropped, dot segments resolved, a trailing slash ignored,
 * letter case ignored.
 */
function lenientReadings(decoded: string): string[] {
	const merged = decoded.replace(/\/{2,}/g, "/").replace(/;[^/]*/g, "");
	const resolved = new URL(merged, "http://path.invalid").pathname;
	const trimmed = resolved.length > 1 ? resolved.replace(/\/+$/, "") : resolved;
	return [resolved, trimmed, trimmed.toLowerCase()];
}

/**
 * The route for a request path (as normalised by the URL parser). Throws `route_not_found` when
 * no route matches.
 *
 * The path is forwarded exactly as received. An origin that decodes escapes, merges `//`, drops
 * `;params`, ignores a trailing slash or letter case before routing would then serve another
 * path than the one the gateway checked, so `/%61pi/x` or `/public/..%2Fadmin` could reach a
 * protected route without a token. A path with any reading under another route is refused
 * instead, and so is one whose escapes hide dot segments, which could climb out of an
 * upstream's base path, or that holds escapes some origins decode differently (`%00`, `%u…`,
 * overlong `%c0`/`%c1`, double-encoded `%25xx`).
 */
export function resolveRoute(path: string, routes: readonly Route[]): Route {
	const route = matchRoute(path, routes);
	if (route === undefined) {
		throw new GatewayError("route_not_found", "No route of the gateway serves this path.");
	}
	// Most paths have no feature that any reading below would change, so every reading is the
	// path itself and matches the same route; the URL parser has already resolved dot segments.
	if (!READS_DIFFERENTLY.test(path) && !DOT_SEGMENT.test(path)) {
		return route;
	}
	const decoded = decodedOnce(path);
	const ambiguous =
		DECODED_ELSEWHERE.test(path) ||
		DOT_SEGMENT.test(decoded) ||
		lenientReadings(decoded).some((reading) => matchRoute(reading, routes) !== route);
	if (ambiguous) {
		throw new GatewayError(
			"path_ambiguous",
			"An origin could read this path as another one (escapes, letter case, ;, repeated or " +
				"trailing slashes); send it in its plain form.",
		);
	}
	return route;
}
