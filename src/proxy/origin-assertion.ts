import { base64url, CompactSign, calculateJwkThumbprint } from "jose";
import type { VerifiedToken } from "../tokens/verify";

const textEncoder = new TextEncoder();

/** Request header that carries the assertion; it lies in the gateway's identity namespace. */
export const ORIGIN_ASSERTION_HEADER = "X-Gateway-Auth-Assertion";

/** `typ` of the assertion, so that it can never be mistaken for an access token (RFC 8725). */
export const ORIGIN_ASSERTION_TYPE = "gateway-assertion+jwt";

/** How long an assertion is valid, in seconds: long enough for clock skew, short for replay. */
export const ORIGIN_ASSERTION_LIFETIME_SECONDS = 60;

/**
 * The key that signs assertions. It is the `ORIGIN_ASSERTION_SECRET`, which the origin shares,
 * never the token signing key: whoever verifies an HMAC can also sign with it, and the origin
 * must not be able to mint access tokens.
 */
export interface OriginAssertionKey {
	algorithm: "HS256";
	/** RFC 7638 thumbprint, sent as `kid` so an origin can tell keys apart while rotating. */
	keyId: string;
	/** Imported once: handed raw bytes, jose would import them again for every request. */
	signingKey: CryptoKey;
}

/** Imports the assertion key from its secret (validated to be at least 32 bytes). */
async function importOriginAssertionKey(secret: string): Promise<OriginAssertionKey> {
	const bytes = textEncoder.encode(secret);
	const keyId = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(bytes) });
	const signingKey = await crypto.subtle.importKey(
		"raw",
		bytes,
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	return { algorithm: "HS256", keyId, signingKey };
}

/**
 * Binds an assertion to one request: base64url (no padding) of the SHA-256 of the method, one
 * space, and the path and query as the origin receives them (`URL.pathname + URL.search`).
 */
export async function requestBinding(method: string, url: URL): Promise<string> {
	const text = `${method} ${url.pathname}${url.search}`;
	const digest = await crypto.subtle.digest("SHA-256", textEncoder.encode(text));
	return base64url.encode(new Uint8Array(digest));
}

export interface OriginAssertionInput {
	/** `iss`: the gateway's issuer name. */
	issuer: string;
	/** `aud`: the origin of the upstream the request goes to, e.g. `https://api.internal`. */
	audience: string;
	/** Milliseconds since the epoch. */
	now: number;
	method: string;
	/** The URL the request is sent to. */
	upstreamUrl: URL;
	/** The verified token, or undefined for a request forwarded anonymously. */
	token: VerifiedToken | undefined;
}

/**
 * Signs the short-lived assertion that lets the origin check a request came through the
 * gateway, and for whom. Anonymous requests get one too, without `sub`, so the origin can tell
 * "came through the gateway without a token" from "did not come through the gateway".
 */
export class OriginAssertionSigner {
	constructor(readonly key: OriginAssertionKey) {}

	/** A signer for the `ORIGIN_ASSERTION_SECRET`, its key imported once. */
	static async fromSecret(secret: string): Promise<OriginAssertionSigner> {
		return new OriginAssertionSigner(await importOriginAssertionKey(secret));
	}

	async sign(input: OriginAssertionInput): Promise<string> {
		const { token } = input;
		const issuedAt = Math.floor(input.now / 1000);
		const identity =
			token === undefined
				? {}
				: {
						sub: token.claims.sub,
						sid: token.sessionId,
						token_id: token.tokenId,
						token_claims: token.claims,
					};
		const claims = {
			iss: input.issuer,
			aud: input.audience,
			iat: issuedAt,
			exp: issuedAt + ORIGIN_ASSERTION_LIFETIME_SECONDS,
			jti: crypto.randomUUID(),
			...identity,
			request_sha256: await requestBinding(input.method, input.upstreamUrl),
		};
		// jose's lower-level signer over claims built here: every claim is already a valid JSON
		// value of the gateway's own making, so SignJWT's claim builder would only check them again.
		return new CompactSign(textEncoder.encode(JSON.stringify(claims)))
			.setProtectedHeader({
				alg: this.key.algorithm,
				kid: this.key.keyId,
				typ: ORIGIN_ASSERTION_TYPE,
			})
			.sign(this.key.signingKey);
	}
}
