import type { Context } from "hono";
import { proxy } from "hono/proxy";
import type { GatewayEnv } from "../http/context";
import { GatewayError } from "../http/errors";
import { upstreamRequestHeaders } from "./headers";
import { identityHeaders } from "./identity-headers";

/** The origin URL for a client URL: the upstream's base, then the client's raw path and query. */
export function upstreamUrlFor(upstream: URL, clientUrl: URL): URL {
	const basePath = upstream.pathname.replace(/\/+$/, "");
	return new URL(`${upstream.origin}${basePath}${clientUrl.pathname}${clientUrl.search}`);
}

/**
 * Forwards the request to the origin and returns its answer. Redirects are handed back rather
 * than followed, so credentials never travel to another host. The timeout covers the wait for
 * the response headers only; a long download is not cut short.
 */
export async function forwardToUpstream(c: Context<GatewayEnv>): Promise<Response> {
	const { settings, fetchUpstream } = c.get("deps");
	const clientUrl = new URL(c.req.url);
	const token = c.get("token");
	const headers = upstreamRequestHeaders(c.req.raw.headers, {
		forwardAuthorization: settings.forwardAuthorization,
		requestId: c.get("requestId"),
		clientUrl,
		identity: token === undefined ? undefined : identityHeaders(token),
	});

	const abort = new AbortController();
	const timer = setTimeout(() => abort.abort(), settings.upstreamTimeoutMs);
	try {
		return await proxy(upstreamUrlFor(settings.upstreamUrl, clientUrl), {
			raw: c.req.raw,
			headers,
			redirect: "manual",
			signal: abort.signal,
			customFetch: fetchUpstream,
		});
	} catch (error) {
		if (abort.signal.aborted) {
			throw new GatewayError("upstream_timeout", "The origin did not answer in time.", {
				cause: error,
			});
		}
		throw new GatewayError("upstream_unavailable", "The origin could not be reached.", {
			cause: error,
		});
	} finally {
		clearTimeout(timer);
	}
}
