import { base64url } from "jose";
import type { VerifiedToken } from "../tokens/verify";

/**
 * Every request header starting with this prefix is the gateway's to set. Incoming ones are
 * deleted on every route before the verified identity is added, so a client cannot forge them.
 */
export const IDENTITY_HEADER_PREFIX = "x-gateway-auth-";

/**
 * The identity the origin receives. Text values are percent-encoded (`encodeURIComponent`),
 * since header values must be ASCII and a `sub` may not be; the claims travel as base64url JSON.
 * The issuer comes along because a subject is unique only within it: with trusted external
 * issuers, two different users may share a `sub`.
 */
export function identityHeaders(token: VerifiedToken): Record<string, string> {
	let headers = identityHeadersByToken.get(token);
	if (headers === undefined) {
		headers = buildIdentityHeaders(token);
		identityHeadersByToken.set(token, headers);
	}
	return headers;
}

// A token served from the verification cache is the same object every time, so its headers are
// encoded once. The WeakMap lets them go with the token when the cache drops it.
const identityHeadersByToken = new WeakMap<VerifiedToken, Record<string, string>>();

function buildIdentityHeaders(token: VerifiedToken): Record<string, string> {
	const headers: Record<string, string> = {
		"X-Gateway-Auth-Issuer": encodeURIComponent(token.claims.iss ?? ""),
		"X-Gateway-Auth-Subject": encodeURIComponent(token.claims.sub),
		"X-Gateway-Auth-Token-Id": encodeURIComponent(token.tokenId),
		"X-Gateway-Auth-Expires-At": String(token.claims.exp),
		"X-Gateway-Auth-Claims": base64url.encode(JSON.stringify(token.claims)),
	};
	if (token.sessionId !== undefined) {
		headers["X-Gateway-Auth-Session"] = encodeURIComponent(token.sessionId);
	}
	return headers;
}
