import { REQUEST_ID_HEADER } from "../http/request-log";

/** RFC 9110 §7.6.1 connection-specific headers, plus the non-standard ones still seen. */
const HOP_BY_HOP_HEADERS = new Set([
	"connection",
	"keep-alive",
	"proxy-authenticate",
	"proxy-authorization",
	"proxy-connection",
	"te",
	"trailer",
	"transfer-encoding",
	"upgrade",
]);

/**
 * Headers that some servers and frameworks read to decide which path or method they serve, or who
 * the client is. The gateway decides on the path and method it sees, so a client must not be able
 * to have the origin act on others; what the gateway itself knows it sets below.
 */
const REQUEST_REWRITING_HEADERS = new Set([
	"forwarded",
	"x-real-ip",
	"x-original-url",
	"x-rewrite-url",
	"x-http-method-override",
	"x-http-method",
	"x-method-override",
	"x-original-method",
	"x-original-host",
	"x-host",
	"x-envoy-original-path",
	"true-client-ip",
	"x-client-ip",
	"client-ip",
	"x-cluster-client-ip",
	"fastly-client-ip",
	"x-proxyuser-ip",
	"x-forwarded",
	"forwarded-for",
	"x-original-uri",
	"x-scheme",
	"x-url-scheme",
	"front-end-https",
	"x-originating-ip",
	"x-remote-addr",
	"x-remote-ip",
	// Identities that other proxies and access layers vouch for: an origin that also sits behind
	// one of them must not receive a client's claim to be someone.
	"remote-user",
	"x-remote-user",
	"x-auth-request-user",
	"x-auth-request-email",
	"x-auth-request-preferred-username",
	"x-authenticated-user",
	"cf-access-jwt-assertion",
	"cf-access-authenticated-user-email",
	"x-auth-request-groups",
	"x-auth-request-access-token",
	"x-webauth-user",
	"x-authenticated-userid",
	"x-consumer-id",
	"x-consumer-username",
	"x-amzn-oidc-identity",
	"x-amzn-oidc-data",
	"x-amzn-oidc-accesstoken",
	"x-ms-client-principal",
	"x-ms-client-principal-id",
	"x-ms-client-principal-name",
	"x-goog-authenticated-user-email",
	"x-goog-authenticated-user-id",
	"x-goog-iap-jwt-assertion",
	// Client certificates that a TLS-terminating proxy would vouch for, and their subjects.
	"x-ssl-client-s-dn",
	"x-ssl-client-cert",
	"x-client-cert",
	"x-arr-clientcert",
	"x-original-forwarded-for",
]);

/**
 * A header name as CGI-style servers read it: `_` and `-` both become the same variable name
 * (`HTTP_X_GATEWAY_AUTH_SUBJECT`), so `X_Gateway_Auth_Subject` must be treated as the real one.
 */
function canonicalName(name: string): string {
	return name.toLowerCase().replaceAll("_", "-");
}

/**
 * The whole `X-Gateway-` family is the gateway's, wider than its identity prefix
 * (`X-Gateway-Auth-`), so that no client header (`X-Gateway-Auth`, `X-Gateway-Authorization`)
 * can look like one of the gateway's own.
 */
const GATEWAY_HEADER_PREFIX = "x-gateway-";

/** Whether a client-sent header could pose as one the gateway sets or vouches for. */
function isReservedHeader(name: string): boolean {
	const canonical = canonicalName(name);
	return (
		canonical.startsWith(GATEWAY_HEADER_PREFIX) ||
		canonical.startsWith("x-forwarded-") ||
		REQUEST_REWRITING_HEADERS.has(canonical)
	);
}

/** Content codings that the runtime's fetch decodes as the response body is read. */
const DECODED_CODINGS = new Set(["gzip", "br"]);

/** The header names that the `Connection` header lists, in lower case. */
function namedByConnection(headers: Headers): Set<string> {
	const connection = headers.get("connection");
	if (connection === null) {
		return new Set();
	}
	return new Set(
		connection
			.split(",")
			.map((name) => name.trim().toLowerCase())
			.filter((name) => name !== ""),
	);
}

/**
 * A copy of `headers` without those for which `drop` says so, given each name in lower case.
 * The copy keeps repeated fields as they came (several `Set-Cookie`s stay several); only names
 * that are present are deleted, since each deletion is a call into the runtime.
 */
function copyWithout(headers: Headers, drop: (name: string) => boolean): Headers {
	const copy = new Headers(headers);
	for (const name of headers.keys()) {
		if (drop(name)) {
			copy.delete(name);
		}
	}
	return copy;
}

/** Removes hop-by-hop headers and every header the `Connection` header names. */
export function stripHopByHopHeaders(headers: Headers): Headers {
	const named = namedByConnection(headers);
	return copyWithout(headers, (name) => HOP_BY_HOP_HEADERS.has(name) || named.has(name));
}

export interface UpstreamHeaderOptions {
	forwardAuthorization: boolean;
	requestId: string;
	/** The URL the client called, for `X-Forwarded-Proto` and `X-Forwarded-Host`. */
	clientUrl: URL;
	/** Identity headers and the origin assertion, set last so nothing can override them. */
	identity: Record<string, string>;
	/** Keeps `Upgrade: websocket`, which the runtime's fetch needs to open a WebSocket. */
	webSocketUpgrade: boolean;
}

/**
 * The headers sent to the origin: the client's, minus hop-by-hop headers, anything in the
 * gateway's identity namespace and anything a client could use to misdirect the origin, plus
 * the verified identity and forwarding headers that the gateway itself vouches for.
 */
export function upstreamRequestHeaders(incoming: Headers, options: UpstreamHeaderOptions): Headers {
	const named = namedByConnection(incoming);
	// Header names iterate in lower case, and underscores are read as dashes, so this catches
	// every spelling under which an origin might take a header for one the gateway sets. The
	// target host comes from configuration and the body's framing from the runtime, which knows
	// the length of what it sends; the client's values describe another connection.
	const headers = copyWithout(
		incoming,
		(name) =>
			HOP_BY_HOP_HEADERS.has(name) ||
			named.has(name) ||
			isReservedHeader(name) ||
			name === "host" ||
			name === "content-length" ||
			(name === "authorization" && !options.forwardAuthorization),
	);

	// Cloudflare's edge sets CF-Connecting-IP itself, replacing a value the client sent, so it is
	// the client address the gateway can vouch for.
	const clientIp = incoming.get("cf-connecting-ip");
	if (clientIp !== null) {
		headers.set("X-Forwarded-For", clientIp);
	}
	headers.set("X-Forwarded-Proto", options.clientUrl.protocol.replace(":", ""));
	headers.set("X-Forwarded-Host", options.clientUrl.host);
	headers.set(REQUEST_ID_HEADER, options.requestId);
	if (options.webSocketUpgrade) {
		headers.set("Upgrade", "websocket");
	}

	for (const [name, value] of Object.entries(options.identity)) {
		headers.set(name, value);
	}
	return headers;
}

/**
 * The origin's response headers as the client receives them: without hop-by-hop headers, and
 * without `Content-Encoding` and `Content-Length` when the runtime decodes the body on its way
 * through. A worker never sees the client's own `Accept-Encoding` (the platform replaces it), so
 * the body leaves decoded and the platform compresses it again as the client accepts.
 */
export function clientResponseHeaders(upstream: Headers): Headers {
	const headers = stripHopByHopHeaders(upstream);
	const coding = headers.get("content-encoding")?.trim().toLowerCase() ?? "";
	if (DECODED_CODINGS.has(coding)) {
		headers.delete("content-encoding");
		headers.delete("content-length");
	}
	return headers;
}
