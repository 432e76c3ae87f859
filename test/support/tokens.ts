import { base64url, type JWTPayload, SignJWT } from "jose";
import type { TestGateway } from "./gateway";

/** Signs arbitrary claims with the test gateway's own key, as a trusted issuer would. */
export async function signWithGatewayKey(
	gateway: TestGateway,
	claims: JWTPayload,
	header: Record<string, unknown> = {},
): Promise<string> {
	return new SignJWT(claims)
		.setProtectedHeader({ alg: "HS256", kid: gateway.deps.keys.current.keyId, ...header })
		.sign(gateway.deps.keys.current.privateKey);
}

/** Standard claims valid at the gateway's current time; override any of them. */
export function validClaims(gateway: TestGateway, overrides: JWTPayload = {}): JWTPayload {
	const now = gateway.clock() / 1000;
	return {
		iss: gateway.settings.issuer,
		aud: gateway.settings.audience,
		sub: "alice",
		jti: "token-1",
		iat: now,
		exp: Math.floor(now) + 300,
		...overrides,
	};
}

/**
 * Builds a compact token from raw JSON text, for claims or headers jose would refuse to produce
 * (an exp of 1e400, an unknown critical header parameter).
 */
export async function signRawPayload(
	gateway: TestGateway,
	payloadJson: string,
	extraHeader: Record<string, unknown> = {},
): Promise<string> {
	const header = base64url.encode(
		JSON.stringify({ alg: "HS256", kid: gateway.deps.keys.current.keyId, ...extraHeader }),
	);
	const payload = base64url.encode(payloadJson);
	const key = await crypto.subtle.importKey(
		"raw",
		hmacSecretOf(gateway),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const signature = await crypto.subtle.sign(
		"HMAC",
		key,
		new TextEncoder().encode(`${header}.${payload}`),
	);
	return `${header}.${payload}.${base64url.encode(new Uint8Array(signature))}`;
}

/** The test gateway's HMAC secret, for tokens built by hand. */
function hmacSecretOf(gateway: TestGateway): Uint8Array {
	const key = gateway.deps.keys.current.privateKey;
	if (!(key instanceof Uint8Array)) {
		throw new Error("signRawPayload needs a gateway that signs with HS256");
	}
	return key;
}
