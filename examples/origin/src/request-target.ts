/** The path and query of a request exactly as they appear in its URL, percent-encoding intact. */
export interface RawRequestTarget {
	path: string;
	query: string;
}

/**
 * Splits the URL string by hand instead of reading `URL.pathname`, so that nothing decodes or
 * re-encodes it: the point of echoing the path is to show what the gateway really forwarded, for
 * example whether it kept "%2F" in place.
 */
export function rawRequestTarget(url: string): RawRequestTarget {
	const schemeSeparator = url.indexOf("://");
	const authorityStart = schemeSeparator === -1 ? 0 : schemeSeparator + 3;
	const pathStart = url.indexOf("/", authorityStart);
	if (pathStart === -1) {
		return { path: "/", query: "" };
	}
	const fragmentStart = url.indexOf("#", pathStart);
	const target = fragmentStart === -1 ? url.slice(pathStart) : url.slice(pathStart, fragmentStart);
	const queryStart = target.indexOf("?");
	if (queryStart === -1) {
		return { path: target, query: "" };
	}
	return { path: target.slice(0, queryStart), query: target.slice(queryStart + 1) };
}
