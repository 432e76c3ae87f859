import { decodeJwt } from "jose";
import { z } from "zod";
import type { GatewayDependencies } from "../http/context";
import { GatewayError } from "../http/errors";
import { isValidRevocationId } from "../revocation/keys";
import type { RevocationRequest } from "../revocation/revocations";
import { MAX_TOKEN_BYTES } from "../tokens/bearer";
import { tokenIdOf } from "../tokens/token-id";
import { verifyAccessToken } from "../tokens/verify";

const revocationId = z
	.string()
	.refine(isValidRevocationId, "must be a non-empty string of at most 256 bytes");

/** What an admin may revoke: exactly one of a token id, a token, a user, a session, a key. */
export const revocationTarget = z.union([
	z.strictObject({ jti: revocationId, exp: z.number().finite().optional() }),
	z.strictObject({ token: z.string().min(1).max(MAX_TOKEN_BYTES) }),
	z.strictObject({ sub: revocationId }),
	z.strictObject({ sid: revocationId }),
	z.strictObject({ kid: revocationId }),
]);

export type RevocationTarget = z.infer<typeof revocationTarget>;

/** Turns a revocation target into what the store needs: kind, id and, for tokens, `exp`. */
export async function revocationRequestFor(
	target: RevocationTarget,
	deps: GatewayDependencies,
): Promise<Omit<RevocationRequest, "revokedBy">> {
	if ("jti" in target) {
		return target.exp === undefined
			? { kind: "token", id: target.jti }
			: { kind: "token", id: target.jti, expiresAt: target.exp };
	}
	if ("token" in target) {
		return tokenRequest(target.token, deps);
	}
	if ("sub" in target) {
		return { kind: "user", id: target.sub };
	}
	if ("sid" in target) {
		return { kind: "session", id: target.sid };
	}
	return { kind: "key", id: target.kid };
}

/**
 * A presented token is verified before its claims are trusted: its `jti` and `exp` decide what
 * is stored. An expired token needs no entry, so it is reported as revoked without one.
 */
async function tokenRequest(
	compactToken: string,
	deps: GatewayDependencies,
): Promise<Omit<RevocationRequest, "revokedBy">> {
	const { settings, keys, clock } = deps;
	try {
		const token = await verifyAccessToken(compactToken, { settings, keys, now: clock() });
		return { kind: "token", id: token.tokenId, expiresAt: token.claims.exp };
	} catch (error) {
		if (error instanceof GatewayError && error.code === "token_expired") {
			// jose reports expiry only after the signature checked out, so these claims are genuine.
			const claims = decodeJwt(compactToken);
			return {
				kind: "token",
				id: await tokenIdOf(compactToken, claims.jti),
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
