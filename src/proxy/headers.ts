import { REQUEST_ID_HEADER } from "../http/request-log";
import { IDENTITY_HEADER_PREFIX } from "./identity-headers";

/** RFC 9110 §7.6.1 connection-specific headers, plus the non-standard ones still seen. */
const HOP_BY_HOP_HEADERS = [
	"connection",
	"keep-alive",
	"proxy-authenticate",
	"proxy-authorization",
	"proxy-connection",
	"te",
	"trailer",
	"transfer-encoding",
	"upgrade",
];

/** Removes hop-by-hop headers and every header the `Connection` header names. */
export function stripHopByHopHeaders(headers: Headers): Headers {
	const stripped = new Headers(headers);
	const named = (headers.get("connection") ?? "")
		.split(",")
		.map((name) => name.trim().toLowerCase())
		.filter((name) => name !== "");
	for (const name of [...HOP_BY_HOP_HEADERS, ...named]) {
		// Headers.delete throws on names that are not valid tokens; such names cannot be present.
		try {
			stripped.delete(name);
		} catch {}
	}
	return stripped;
}

export interface UpstreamHeaderOptions {
	forwardAuthorization: boolean;
	requestId: string;
	/** The URL the client called, for `X-Forwarded-Proto` and `X-Forwarded-Host`. */
	clientUrl: URL;
	identity: Record<string, string> | undefined;
}

/**
 * The headers sent to the origin: the client's, minus hop-by-hop headers and anything in the
 * gateway's identity namespace, plus the verified identity and forwarding headers that the
 * gateway itself vouches for.
 */
export function upstreamRequestHeaders(incoming: Headers, options: UpstreamHeaderOptions): Headers {
	const headers = stripHopByHopHeaders(incoming);
	// Header names iterate in lower case, so this catches every letter case a client might use.
	for (const name of [...headers.keys()]) {
		if (name.startsWith(IDENTITY_HEADER_PREFIX)) {
			headers.delete(name);
		}
	}
	if (!options.forwardAuthorization) {
		headers.delete("authorization");
	}

	// Forwarding headers describe the real client. Cloudflare sets CF-Connecting-IP itself, so
	// it is trusted; whatever the client wrote into X-Forwarded-* is dropped.
	const clientIp = incoming.get("cf-connecting-ip");
	if (clientIp === null) {
		headers.delete("x-forwarded-for");
	} else {
		headers.set("X-Forwarded-For", clientIp);
	}
	headers.set("X-Forwarded-Proto", options.clientUrl.protocol.replace(":", ""));
	headers.set("X-Forwarded-Host", options.clientUrl.host);
	headers.set(REQUEST_ID_HEADER, options.requestId);

	for (const [name, value] of Object.entries(options.identity ?? {})) {
		headers.set(name, value);
	}
	return headers;
}
