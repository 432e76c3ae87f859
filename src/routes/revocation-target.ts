import { calculateJwkThumbprint, decodeJwt, type JWK } from "jose";
import { z } from "zod";
import { verifyTokenToRevoke } from "../auth/verify-token";
import type { GatewayDependencies } from "../http/context";
import { GatewayError } from "../http/errors";
import { isValidRevocationId } from "../revocation/keys";
import type { RevocationRequest } from "../revocation/revocations";
import { MAX_TOKEN_BYTES } from "../tokens/bearer";
import { tokenIdOf } from "../tokens/token-id";

const revocationId = z
	.string()
	.refine(isValidRevocationId, "must be a non-empty string of at most 256 bytes");

/** The name of a trusted issuer whose ids a `jti`, `sub` or `sid` belongs to. */
const issuerName = z.string().min(1).max(32).optional();

/**
 * What an admin may revoke: exactly one of a token id, a token, a user, a session, a key. Ids of
 * an external issuer's tokens name that issuer, since its users are not the gateway's.
 */
export const revocationTarget = z.union(
	[
		z.strictObject({ jti: revocationId, exp: z.number().finite().optional(), issuer: issuerName }),
		// Surrounding whitespace is never part of a JWT; trimmed, as /oauth/revoke trims it.
		z.strictObject({ token: z.string().trim().min(1).max(MAX_TOKEN_BYTES) }),
		z.strictObject({ sub: revocationId, issuer: issuerName }),
		z.strictObject({ sid: revocationId, issuer: issuerName }),
		z.strictObject({ kid: revocationId, issuer: issuerName }),
	],
	{
		error:
			"Send exactly one of jti, token, sub, sid or kid as a string (ids of 1 to 256 bytes; " +
			"issuer with the jti, sub, sid or kid of an external issuer), and optionally a reason.",
	},
);

export type RevocationTarget = z.infer<typeof revocationTarget>;

/** Turns a revocation target into what the store needs: kind, id and, for tokens, `exp`. */
export async function revocationRequestFor(
	target: RevocationTarget,
	deps: GatewayDependencies,
): Promise<Omit<RevocationRequest, "revokedBy">> {
	if ("jti" in target) {
		// An `exp` the admin types in is not verified: one too early would let the entry lapse
		// while the token still passes. So the entry lives as long as any accepted token; the
		// field is accepted for callers that send it, and ignored.
		return { kind: "token", id: target.jti, issuer: knownIssuer(target.issuer, deps) };
	}
	if ("token" in target) {
		return tokenRequest(target.token, deps);
	}
	if ("sub" in target) {
		return { kind: "user", id: target.sub, issuer: knownIssuer(target.issuer, deps) };
	}
	if ("sid" in target) {
		return { kind: "session", id: target.sid, issuer: knownIssuer(target.issuer, deps) };
	}
	return { kind: "key", id: await keyIdToRevoke(target.kid, target.issuer, deps) };
}

// The shape of an RFC 7638 thumbprint: base64url of a SHA-256 digest.
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The id under which a signing key is revoked, as verification names keys (verify.ts): a gateway
 * key's `kid`, or the RFC 7638 thumbprint of an external issuer's key. A provider's own `kid`
 * would be stored and answered 201 while protecting nothing, so it is translated through the
 * issuer's key set, and any other unknown id is refused unless it has a thumbprint's shape.
 */
async function keyIdToRevoke(
	kid: string,
	issuer: string | undefined,
	deps: GatewayDependencies,
): Promise<string> {
	if (issuer !== undefined) {
		knownIssuer(issuer, deps);
		return thumbprintOfIssuerKey(kid, issuer, deps);
	}
	if (deps.keys.byKeyId.has(kid) || THUMBPRINT.test(kid)) {
		return kid;
	}
	throw new GatewayError(
		"invalid_request",
		"kid names none of the gateway's keys. For an external issuer's key, send its issuer too, " +
			"or the key's RFC 7638 thumbprint.",
	);
}

async function thumbprintOfIssuerKey(
	kid: string,
	issuerName: string,
	deps: GatewayDependencies,
): Promise<string> {
	const keySet = [...deps.issuerKeySets.values()].find(({ issuer }) => issuer.name === issuerName);
	let keys: JWK[] = [];
	try {
		keys = (await keySet?.keysNamed(kid)) ?? [];
	} catch (error) {
		throw new GatewayError("issuer_keys_unavailable", "The issuer's keys could not be fetched.", {
			cause: error,
		});
	}
	const [key, ...others] = keys;
	if (key === undefined || others.length > 0) {
		throw new GatewayError(
			"invalid_request",
			key === undefined
				? "The issuer publishes no key with that kid."
				: "The issuer publishes several keys with that kid; revoke each by its thumbprint.",
		);
	}
	return calculateJwkThumbprint(key);
}

/**
 * A presented token is verified before its claims are trusted: its `jti` and `exp` decide what
 * is stored. An expired token needs no entry, so it is reported as revoked without one; one
 * that is not valid yet is revoked for the time it will pass.
 */
async function tokenRequest(
	compactToken: string,
	deps: GatewayDependencies,
): Promise<Omit<RevocationRequest, "revokedBy">> {
	try {
		const { token, validFrom } = await verifyTokenToRevoke(deps, compactToken);
		return {
			kind: "token",
			id: token.tokenId,
			issuer: token.issuerName,
			expiresAt: token.claims.exp,
			validFrom,
		};
	} catch (error) {
		// Without the issuer's keys the token cannot be judged either way; saying it needs no
		// revocation could leave a live token unrevoked, so the caller is told to retry.
		if (error instanceof GatewayError && error.code === "issuer_keys_unavailable") {
			throw error;
		}
		if (error instanceof GatewayError && error.code === "token_expired") {
			// jose reports expiry only after the signature checked out, so these claims are genuine.
			const claims = decodeJwt(compactToken);
			const external =
				typeof claims.iss === "string" ? deps.issuerKeySets.get(claims.iss) : undefined;
			return {
				kind: "token",
				id: await tokenIdOf(compactToken, claims.jti),
				issuer: external?.issuer.name,
				expiresAt: Number(claims.exp),
			};
		}
		const code = error instanceof GatewayError ? error.code : "token_malformed";
		throw new GatewayError(
			"invalid_request",
			`The token does not pass this gateway's verification (${code}), so it needs no revocation.`,
		);
	}
}

/** Checks that a named issuer is configured; undefined stands for the gateway itself. */
export function knownIssuer(name: string | undefined, deps: GatewayDependencies) {
	if (name === undefined) {
		return undefined;
	}
	const configured = deps.settings.trustedIssuers.some((issuer) => issuer.name === name);
	if (!configured) {
		throw new GatewayError("invalid_request", "issuer names no trusted issuer.");
	}
	return name;
}
