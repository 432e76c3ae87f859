import type { Context } from "hono";
import type { Route } from "../config/routes";
import type { GatewayEnv } from "../http/context";
import { GatewayError } from "../http/errors";
import { clientResponseHeaders, upstreamRequestHeaders } from "./headers";
import { identityHeaders } from "./identity-headers";
import { ORIGIN_ASSERTION_HEADER } from "./origin-assertion";
import { UpstreamDeadline } from "./upstream-deadline";

/** RFC 9110 gives a body on these no meaning, and the runtime refuses to send one. */
const BODILESS_METHODS = new Set(["GET", "HEAD"]);

/** The origin URL for a client URL: the upstream's base, then the client's raw path and query. */
export function upstreamUrlFor(upstream: URL, clientUrl: URL): URL {
	const basePath = upstream.pathname.replace(/\/+$/, "");
	return new URL(`${upstream.origin}${basePath}${clientUrl.pathname}${clientUrl.search}`);
}

/** Whether the request opens a WebSocket (RFC 6455 §4.1: a GET with `Upgrade: websocket`). */
export function isWebSocketUpgrade(request: Request): boolean {
	const upgrade = request.headers.get("upgrade") ?? "";
	return (
		request.method === "GET" &&
		upgrade.split(",").some((protocol) => protocol.trim().toLowerCase() === "websocket")
	);
}

/**
 * Forwards the request to the route's origin and returns its answer. Bodies stream both ways
 * and are never read here. Redirects are handed back rather than followed, so credentials never
 * travel to another host. The timeout covers the wait for the origin (upstream-deadline.ts),
 * not a slow client's upload, and never a long download. A WebSocket upgrade is forwarded like
 * any request, and the socket the origin accepts is handed to the client.
 *
 * Hono's proxy helper is not used: it drops `Upgrade`, follows redirects unless told otherwise,
 * and replaces `Accept-Encoding`, which the origin would notice. `clientUrl` is the request's
 * URL, parsed once by the caller.
 */
export async function forwardToUpstream(
	c: Context<GatewayEnv>,
	route: Route,
	clientUrl: URL,
): Promise<Response> {
	const { settings, originAssertions, clock } = c.get("deps");
	const incoming = c.req.raw;
	const upstreamUrl = upstreamUrlFor(route.upstream, clientUrl);
	const token = c.get("token");
	c.set("logFields", {
		...c.get("logFields"),
		proxy_route: route.path,
		upstream: upstreamUrl.host,
	});

	const assertion = await originAssertions.sign({
		issuer: settings.issuer,
		audience: upstreamUrl.origin,
		now: clock(),
		method: incoming.method,
		upstreamUrl,
		token,
	});
	const headers = upstreamRequestHeaders(incoming.headers, {
		forwardAuthorization: settings.forwardAuthorization,
		requestId: c.get("requestId"),
		clientUrl,
		identity: {
			...(token === undefined ? {} : identityHeaders(token)),
			[ORIGIN_ASSERTION_HEADER]: assertion,
		},
		webSocketUpgrade: isWebSocketUpgrade(incoming),
	});

	const deadline = new UpstreamDeadline(settings.upstreamTimeoutMs);
	// A client may attach a body to a GET or HEAD (if only Content-Length: 0). RFC 9110 gives it
	// no meaning and the runtime refuses to send one, so it is dropped, not made a 502.
	const body =
		BODILESS_METHODS.has(incoming.method) || incoming.body === null
			? null
			: deadline.track(incoming.body, incoming.headers.get("content-length"));
	const request = new Request(upstreamUrl, {
		method: incoming.method,
		headers,
		body,
		redirect: "manual",
		signal: deadline.signal,
	});
	const response = await fetchWithinTimeout(c, request, deadline);
	// A Response can carry only the statuses HTTP defines for a final answer (200 to 599), and
	// 101 only with the WebSocket it switched to; anything else from the origin is its fault.
	const switched = response.webSocket !== null;
	if (!switched && (response.status < 200 || response.status > 599)) {
		c.set("logFields", { ...c.get("logFields"), upstream_status: response.status });
		throw new GatewayError(
			"upstream_invalid_response",
			"The origin answered with a status HTTP does not allow here.",
		);
	}

	const responseHeaders = clientResponseHeaders(response.headers);
	if (switched) {
		return new Response(null, {
			status: 101,
			webSocket: response.webSocket,
			headers: responseHeaders,
		});
	}
	return new Response(response.body, {
		status: response.status,
		statusText: response.statusText,
		headers: responseHeaders,
	});
}

/**
 * Sends the request, giving the origin `UPSTREAM_TIMEOUT_MS` to answer with its headers, counted
 * from the moment it has the whole request body.
 */
async function fetchWithinTimeout(
	c: Context<GatewayEnv>,
	request: Request,
	deadline: UpstreamDeadline,
): Promise<Response> {
	const { fetchUpstream } = c.get("deps");
	try {
		return await fetchUpstream(request);
	} catch (error) {
		// Only the error's name is logged: messages of fetch errors can quote the URL, and with it
		// a query that may hold anything the client put there.
		const name = error instanceof Error ? error.name : typeof error;
		c.set("logFields", { ...c.get("logFields"), upstream_error: name });
		if (deadline.expired) {
			throw new GatewayError("upstream_timeout", "The origin did not answer in time.", {
				cause: error,
			});
		}
		throw new GatewayError("upstream_unavailable", "The origin could not be reached.", {
			cause: error,
		});
	} finally {
		deadline.stop();
	}
}
