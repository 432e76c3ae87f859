import { base64url } from "jose";

/** Prefix of ids derived for tokens that carry no `jti`. */
export const DERIVED_TOKEN_ID_PREFIX = "sha256:";

/**
 * The id under which a token is revoked: its `jti`, or, for tokens without one, a SHA-256 of
 * the payload segment. The signature is left out on purpose: ECDSA signatures can be re-encoded
 * into other valid forms, so a hash over the whole token would let a revoked token back in.
 */
export async function tokenIdOf(compactToken: string, jti: unknown): Promise<string> {
	if (typeof jti === "string" && jti !== "") {
		return jti;
	}
	const payloadSegment = compactToken.split(".")[1] ?? "";
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(payloadSegment));
	return DERIVED_TOKEN_ID_PREFIX + base64url.encode(new Uint8Array(digest));
}
