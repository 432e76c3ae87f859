import { z } from "zod";
import { type PublicPathRule, parsePublicPaths } from "./public-paths";

/**
 * What a route asks of the caller. `required`: a valid, unrevoked token. `optional`: the same
 * when an `Authorization` header is present, anonymous when it is absent. `public`: no check.
 */
export type AuthMode = "required" | "optional" | "public";

/** Where one group of paths is forwarded and which token check it needs. */
export interface Route {
	/** The path as configured, `/api/*` (a prefix) or `/health` (exact); named in logs. */
	path: string;
	/** Matching form of `path`, written exactly as in `PUBLIC_PATHS`. */
	pattern: PublicPathRule;
	/** Base URL of the origin; a path in it is a prefix of the forwarded path. */
	upstream: URL;
	auth: AuthMode;
	/** Whether CORS preflights (which never carry credentials) pass without a token. */
	forwardPreflight: boolean;
}

/** Prefixes the gateway serves itself; a route under one of them could never be reached. */
const GATEWAY_OWNED_PREFIXES = ["/auth", "/admin", "/oauth", "/.well-known"];

// An exact path (`/health`) or a prefix ending in `/*` (`/api/*`, `/*`); no spaces, commas, stars
// elsewhere, queries or fragments, so that what is configured is what gets matched.
const ROUTE_PATH = /^\/[^\s,*?#]*$|^\/(?:[^\s,*?#]*\/)?\*$/;

const routeEntry = z.strictObject({
	path: z.string().regex(ROUTE_PATH, 'must be a path such as "/api/*" or "/health"'),
	upstream: z
		.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" })
		.refine((value) => {
			const url = new URL(value);
			return url.username === "" && url.password === "" && url.search === "" && url.hash === "";
		}, "must not hold credentials, a query or a fragment")
		.optional(),
	auth: z.enum(["required", "optional", "public"]).default("required"),
	preflight: z.enum(["authenticate", "forward"]).default("authenticate"),
});

/** Whether a path lies under one of the prefixes the gateway serves itself. */
export function ownedByGateway(path: string): boolean {
	return GATEWAY_OWNED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The `ROUTES` setting: a JSON array (text, or a TOML array in wrangler.toml); empty for none. */
export const routesSetting = z
	.unknown()
	.transform((value, context) => {
		if (typeof value !== "string") {
			return value;
		}
		if (value.trim() === "") {
			return undefined;
		}
		try {
			return JSON.parse(value) as unknown;
		} catch {
			context.addIssue({ code: "custom", message: "must be a JSON array of routes" });
			return z.NEVER;
		}
	})
	.pipe(
		z
			.array(routeEntry, { error: "must be a JSON array of routes" })
			.min(1, "must hold at least one route")
			.max(100, "must hold at most 100 routes")
			.superRefine((entries, context) => {
				const seen = new Set<string>();
				entries.forEach((entry, index) => {
					if (seen.has(entry.path)) {
						context.addIssue({
							code: "custom",
							path: [index, "path"],
							message: `repeats the path ${entry.path}`,
						});
					}
					seen.add(entry.path);
					if (ownedByGateway(entry.path)) {
						context.addIssue({
							code: "custom",
							path: [index, "path"],
							message: `${entry.path} is served by the gateway itself`,
						});
					}
				});
			})
			.optional(),
	)
	.optional();

export type RouteEntries = z.output<typeof routesSetting>;

function toRoute(path: string, upstream: URL, auth: AuthMode, forwardPreflight: boolean): Route {
	const [pattern] = parsePublicPaths(path);
	if (pattern === undefined) {
		throw new TypeError(`not a route path: ${path}`);
	}
	return { path, pattern, upstream, auth, forwardPreflight };
}

// Exact paths first, then prefixes from the longest down, so the first match is the most specific.
function specificity(route: Route): number {
	return route.pattern.kind === "exact" ? Number.POSITIVE_INFINITY : route.pattern.prefix.length;
}

/**
 * The route table. With `ROUTES` it is exactly those routes (an entry without `upstream` goes to
 * `UPSTREAM_URL`); without it, `PUBLIC_PATHS` are public and everything else needs a token, all
 * forwarded to `UPSTREAM_URL`. Sorted so that the first matching route is the most specific.
 */
export function buildRoutes(
	entries: RouteEntries,
	defaultUpstream: URL,
	publicPaths: readonly PublicPathRule[],
): Route[] {
	const routes =
		entries === undefined
			? [
					...publicPaths.map((rule) =>
						toRoute(
							rule.kind === "exact" ? rule.path : `${rule.prefix}*`,
							defaultUpstream,
							"public",
							false,
						),
					),
					toRoute("/*", defaultUpstream, "required", false),
				]
			: entries.map((entry) =>
					toRoute(
						entry.path,
						entry.upstream === undefined ? defaultUpstream : new URL(entry.upstream),
						entry.auth,
						entry.preflight === "forward",
					),
				);
	return routes.sort((a, b) => specificity(b) - specificity(a));
}

/**
 * The most specific route for a request path (already normalised by the URL parser), if any;
 * with `ignoreCase`, the one an origin that ignores letter case would pick.
 */
export function matchRoute(
	path: string,
	routes: readonly Route[],
	ignoreCase = false,
): Route | undefined {
	const fold = (text: string) => (ignoreCase ? text.toLowerCase() : text);
	const candidate = fold(path);
	return routes.find(({ pattern }) =>
		pattern.kind === "exact"
			? candidate === fold(pattern.path)
			: candidate.startsWith(fold(pattern.prefix)),
	);
}
