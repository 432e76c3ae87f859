/** One entry of `PUBLIC_PATHS`: an exact path, or a prefix when written with a trailing `/*`. */
export type PublicPathRule = { kind: "exact"; path: string } | { kind: "prefix"; prefix: string };

/**
 * Parses the comma-separated `PUBLIC_PATHS` setting. `/public/*` matches `/public/` and
 * everything below it (not `/publicity`); `/health` matches only `/health`.
 */
export function parsePublicPaths(setting: string): PublicPathRule[] {
	return setting
		.split(",")
		.map((entry) => entry.trim())
		.filter((entry) => entry !== "")
		.map(
			(entry): PublicPathRule =>
				entry.endsWith("/*")
					? { kind: "prefix", prefix: entry.slice(0, -1) }
					: { kind: "exact", path: entry },
		);
}

/** Whether every entry of a `PUBLIC_PATHS` value is a path (starts with `/`). */
export function isPublicPathList(setting: string): boolean {
	return setting
		.split(",")
		.map((entry) => entry.trim())
		.every((entry) => entry === "" || entry.startsWith("/"));
}

/** Whether a request path (already normalised by the URL parser) skips the token check. */
export function isPublicPath(path: string, rules: readonly PublicPathRule[]): boolean {
	return rules.some((rule) =>
		rule.kind === "exact" ? path === rule.path : path.startsWith(rule.prefix),
	);
}
