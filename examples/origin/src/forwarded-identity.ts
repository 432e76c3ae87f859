import { isJsonObject } from "./json-object";

/**
 * The request headers in which the gateway forwards the identity from a verified token. The gateway
 * removes any of these that a client sent, so the origin can trust them as long as it is reachable
 * only through the gateway.
 */
export const forwardedIdentityHeaders = {
	subject: "X-Gateway-Auth-Subject",
	sessionId: "X-Gateway-Auth-Session",
	tokenId: "X-Gateway-Auth-Token-Id",
	expiresAt: "X-Gateway-Auth-Expires-At",
	claims: "X-Gateway-Auth-Claims",
} as const;

/** The decoded identity; a field is null when the gateway did not send its header. */
export interface ForwardedIdentity {
	subject: string;
	sessionId: string | null;
	tokenId: string | null;
	expiresAt: number | null;
	claims: Record<string, unknown> | null;
}

export type ForwardedIdentityResult =
	| { kind: "identified"; identity: ForwardedIdentity }
	| { kind: "anonymous" }
	| { kind: "malformed"; description: string };

/** Raised by the decoders below and turned into a "malformed" result, never into a 500. */
class MalformedHeaderError extends Error {}

const unpaddedBase64UrlPattern = /^[A-Za-z0-9_-]*$/;
const epochSecondsPattern = /^[0-9]+$/;
const strictUtf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function decodePercentEncoded(headerName: string, value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		throw new MalformedHeaderError(`${headerName} is not valid percent-encoded UTF-8`);
	}
}

function decodeEpochSeconds(headerName: string, value: string): number {
	const seconds = Number(value);
	if (!epochSecondsPattern.test(value) || !Number.isSafeInteger(seconds)) {
		throw new MalformedHeaderError(`${headerName} is not a whole number of seconds`);
	}
	return seconds;
}

function decodeBase64Url(headerName: string, value: string): Uint8Array {
	// A length of 1 modulo 4 cannot come from any byte sequence, and padding is not part of the
	// gateway's format, so both are rejected before `atob`, which would accept either.
	if (!unpaddedBase64UrlPattern.test(value) || value.length % 4 === 1) {
		throw new MalformedHeaderError(`${headerName} is not unpadded base64url`);
	}
	const paddedLength = Math.ceil(value.length / 4) * 4;
	const base64 = value.replaceAll("-", "+").replaceAll("_", "/").padEnd(paddedLength, "=");
	const binary = atob(base64);
	return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function decodeClaims(headerName: string, value: string): Record<string, unknown> {
	const bytes = decodeBase64Url(headerName, value);
	let claims: unknown;
	try {
		claims = JSON.parse(strictUtf8Decoder.decode(bytes));
	} catch {
		throw new MalformedHeaderError(`${headerName} is not base64url of UTF-8 JSON`);
	}
	if (!isJsonObject(claims)) {
		throw new MalformedHeaderError(`${headerName} is not a JSON object`);
	}
	return claims;
}

function decodeOptional<Decoded>(
	headers: Headers,
	headerName: string,
	decode: (headerName: string, value: string) => Decoded,
): Decoded | null {
	const value = headers.get(headerName);
	return value === null ? null : decode(headerName, value);
}

/**
 * Reads the identity the gateway forwarded. Without a subject the request did not come through
 * the gateway with a token, which the caller answers as unauthenticated.
 */
export function readForwardedIdentity(headers: Headers): ForwardedIdentityResult {
	const encodedSubject = headers.get(forwardedIdentityHeaders.subject);
	if (encodedSubject === null) {
		return { kind: "anonymous" };
	}
	try {
		const subject = decodePercentEncoded(forwardedIdentityHeaders.subject, encodedSubject);
		if (subject === "") {
			throw new MalformedHeaderError(`${forwardedIdentityHeaders.subject} is empty`);
		}
		return {
			kind: "identified",
			identity: {
				subject,
				sessionId: decodeOptional(
					headers,
					forwardedIdentityHeaders.sessionId,
					decodePercentEncoded,
				),
				tokenId: decodeOptional(headers, forwardedIdentityHeaders.tokenId, decodePercentEncoded),
				expiresAt: decodeOptional(headers, forwardedIdentityHeaders.expiresAt, decodeEpochSeconds),
				claims: decodeOptional(headers, forwardedIdentityHeaders.claims, decodeClaims),
			},
		};
	} catch (error) {
		if (error instanceof MalformedHeaderError) {
			return { kind: "malformed", description: error.message };
		}
		throw error;
	}
}
