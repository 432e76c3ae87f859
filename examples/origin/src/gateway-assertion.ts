import { base64url, jwtVerify } from "jose";
import { isJsonObject } from "./json-object";

/** The header in which the gateway sends its signed assertion. */
export const gatewayAssertionHeader = "X-Gateway-Auth-Assertion";

/** What the gateway vouches for; the identity fields are null for an anonymous request. */
export interface GatewayAssertion {
	subject: string | null;
	sessionId: string | null;
	tokenId: string | null;
	/** The claims of the access token the gateway verified. */
	tokenClaims: Record<string, unknown> | null;
}

export interface AssertionExpectations {
	/** The secret shared with the gateway (`ORIGIN_ASSERTION_SECRET`). */
	secret: string;
	/** The gateway's issuer name (`TOKEN_ISSUER` at the gateway). */
	issuer: string;
	/** This origin's own URL as configured, the `aud` an assertion for it must carry. */
	audience: string;
	/** Milliseconds since the epoch. */
	now: number;
}

export type AssertionResult =
	| { kind: "valid"; assertion: GatewayAssertion }
	| { kind: "invalid"; description: string };

/** Small leeway against clock skew between the gateway and this origin, in seconds. */
const clockToleranceSeconds = 5;

/** The gateway issues assertions for 60 seconds; an older one is refused whatever its `exp`. */
const maximumAgeSeconds = 60;

const textEncoder = new TextEncoder();

/** The request binding the gateway signs: SHA-256 of "METHOD /path?query", base64url. */
async function requestBinding(method: string, url: URL): Promise<string> {
	const text = `${method} ${url.pathname}${url.search}`;
	const digest = await crypto.subtle.digest("SHA-256", textEncoder.encode(text));
	return base64url.encode(new Uint8Array(digest));
}

function optionalString(value: unknown): string | null {
	return typeof value === "string" ? value : null;
}

/**
 * Checks that a request came through the gateway: the assertion is signed with the shared
 * secret, names this gateway and this origin, is fresh, and was issued for exactly this method,
 * path and query, so that one captured from another request is worth nothing here.
 */
export async function verifyGatewayAssertion(
	request: Request,
	expectations: AssertionExpectations,
): Promise<AssertionResult> {
	const compact = request.headers.get(gatewayAssertionHeader);
	if (compact === null) {
		return { kind: "invalid", description: `the request carries no ${gatewayAssertionHeader}` };
	}
	const url = new URL(request.url);

	let payload: Record<string, unknown>;
	try {
		({ payload } = await jwtVerify(compact, textEncoder.encode(expectations.secret), {
			algorithms: ["HS256"],
			typ: "gateway-assertion+jwt",
			issuer: expectations.issuer,
			audience: expectations.audience,
			requiredClaims: ["iat", "exp", "request_sha256"],
			maxTokenAge: maximumAgeSeconds,
			clockTolerance: clockToleranceSeconds,
			currentDate: new Date(expectations.now),
		}));
	} catch {
		// The reason (expired, bad signature, wrong audience) stays out of the answer, as the
		// gateway does for its own tokens.
		return { kind: "invalid", description: "the gateway assertion failed verification" };
	}
	if (payload.request_sha256 !== (await requestBinding(request.method, url))) {
		return { kind: "invalid", description: "the gateway assertion belongs to another request" };
	}

	return {
		kind: "valid",
		assertion: {
			subject: optionalString(payload.sub),
			sessionId: optionalString(payload.sid),
			tokenId: optionalString(payload.token_id),
			tokenClaims: isJsonObject(payload.token_claims) ? payload.token_claims : null,
		},
	};
}
