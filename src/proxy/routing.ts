import { matchRoute, ownedByGateway, type Route } from "../config/routes";
import { GatewayError } from "../http/errors";

const AN_ESCAPE = /%[0-9a-f]{2}/i;
const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/;
// What makes some lenient reading of a path differ from the path itself: an escape, a backslash,
// a `;` parameter, an upper-case letter, a repeated slash, a trailing slash.
const READS_DIFFERENTLY = /[%\\;A-Z]|\/\/|.\/$/;
// Escapes that no plain path needs and that some origins decode into something else: NUL, which
// can cut a path short, and IIS's `%u` form.
const DECODED_ELSEWHERE = /%00|%u/i;

// A `%` that starts no escape is a literal percent sign; as `%25` it decodes back to itself.
const LONE_PERCENT = /%(?![0-9a-f]{2})/gi;

/**
 * Every escape decoded once, as an origin that decodes before routing reads the path, and
 * backslashes read as slashes, as some servers do. Undefined when the escapes are not UTF-8:
 * overlong forms such as `%c0%ae` or `%e0%80%ae` were once read as `.` and `/` by decoders
 * that did not check them, and no plain path needs them (`decodeURIComponent` refuses them).
 */
function decodedOnce(path: string): string | undefined {
	try {
		return decodeURIComponent(path.replace(LONE_PERCENT, "%25")).replaceAll("\\", "/");
	} catch {
		return undefined;
	}
}

/**
 * The readings under which common origins might route a path: escapes decoded, repeated
 * slashes merged, `;` parameters dropped, dot segments resolved, a trailing slash ignored,
 * Unicode compatibility forms folded (NFKC reads a full-width `／` as `/`).
 */
function lenientReadings(decoded: string): string[] {
	const readings: string[] = [];
	for (const form of [decoded, decoded.normalize("NFKC")]) {
		const merged = form.replace(/\/{2,}/g, "/").replace(/;[^/]*/g, "");
		const resolved = new URL(merged, "http://path.invalid").pathname;
		readings.push(resolved, resolved.length > 1 ? resolved.replace(/\/+$/, "") : resolved);
	}
	return readings;
}

/** How much a route asks of the caller, so that two routes can be compared. */
const STRICTNESS = { public: 0, optional: 1, required: 2 } as const;

/**
 * Whether a request checked under `checked` may be read by its origin as a path of `other`:
 * when both send to the same place and `checked` asked at least as much, the client could have
 * sent that other path directly and been asked less, so nothing is gained by the detour.
 */
function coveredBy(checked: Route, other: Route | undefined): boolean {
	if (other === checked) {
		return true;
	}
	return (
		other !== undefined &&
		checked.upstream.href === other.upstream.href &&
		STRICTNESS[checked.auth] >= STRICTNESS[other.auth] &&
		(other.forwardPreflight || !checked.forwardPreflight)
	);
}

/**
 * The prefix route whose root is the path with a slash added (`/api/*` for `/api`), in any letter
 * case: an origin that takes `/api` for `/api/` would serve that route's root handler.
 */
function prefixRootedAt(path: string, routes: readonly Route[]): Route | undefined {
	const withSlash = `${path}/`.toLowerCase();
	return routes.find(
		({ pattern }) => pattern.kind === "prefix" && pattern.prefix.toLowerCase() === withSlash,
	);
}

/** Whether the readings every path has, even a plain one, stay within what `route` checked. */
function plainReadingsCovered(path: string, route: Route, routes: readonly Route[]): boolean {
	const rooted = prefixRootedAt(path, routes);
	return (
		coveredBy(route, matchRoute(path, routes, true)) &&
		(rooted === undefined || coveredBy(route, rooted))
	);
}

/** Whether some lenient reading of the path leaves what `route` checked. */
function isAmbiguous(path: string, route: Route, routes: readonly Route[]): boolean {
	if (DECODED_ELSEWHERE.test(path)) {
		return true;
	}
	const decoded = decodedOnce(path);
	// An escape left after one decoding (`%252f`, `%25%32%66`, `%%32%66`) becomes another
	// character for an origin that decodes twice, and an escaped dot segment could climb out of
	// an upstream's base path even on the same route.
	if (decoded === undefined || AN_ESCAPE.test(decoded) || DOT_SEGMENT.test(decoded)) {
		return true;
	}
	return lenientReadings(decoded).some(
		(reading) =>
			ownedByGateway(reading.toLowerCase()) ||
			!coveredBy(route, matchRoute(reading, routes)) ||
			!plainReadingsCovered(reading, route, routes),
	);
}

/**
 * The route for a request path (as normalised by the URL parser). Throws `route_not_found` when
 * no route matches.
 *
 * The path is forwarded exactly as received. An origin that decodes escapes, merges `//`, drops
 * `;params`, ignores a trailing slash or letter case before routing would then serve another
 * path than the one the gateway checked, so `/%61pi/x` or `/public/..%2Fadmin` could reach a
 * protected route without a token. A path with any reading under a route that asks more, under
 * another upstream, under no route or under the gateway's own prefixes is refused instead, and
 * so is one whose escapes hide dot segments, which could climb out of an upstream's base path,
 * or that holds escapes some origins decode differently (`%00`, `%u…`, escapes that are not
 * UTF-8, escapes left after one decoding).
 */
export function resolveRoute(path: string, routes: readonly Route[]): Route {
	const route = matchRoute(path, routes);
	if (route === undefined) {
		throw new GatewayError("route_not_found", "No route of the gateway serves this path.");
	}
	// Most paths have no feature that the readings below would change; the URL parser has
	// already resolved dot segments. Two readings remain even for them: an origin that ignores
	// letter case (a lower-case path can meet a route configured with capitals) or that takes
	// `/x` for `/x/`. The gateway's own paths in their plain form never get here: its routes
	// serve them first.
	const plain = !READS_DIFFERENTLY.test(path) && !DOT_SEGMENT.test(path) && !ownedByGateway(path);
	const ambiguous = plain
		? !plainReadingsCovered(path, route, routes)
		: isAmbiguous(path, route, routes);
	if (ambiguous) {
		throw new GatewayError(
			"path_ambiguous",
			"An origin could read this path as another one (escapes, letter case, ;, repeated or " +
				"trailing slashes); send it in its plain form.",
		);
	}
	return route;
}
