import type { VerifiedToken } from "../tokens/verify";
import { type RevocationKind, revocationKey } from "./keys";

/** The revocation entries that could cover a token, one per kind that applies to it. */
export function revocationKeysFor(token: VerifiedToken): Map<RevocationKind, string> {
	const issuer = token.issuerName;
	const keys = new Map<RevocationKind, string>([
		["token", revocationKey("token", token.tokenId, issuer)],
		["user", revocationKey("user", token.claims.sub, issuer)],
	]);
	if (token.sessionId !== undefined) {
		keys.set("session", revocationKey("session", token.sessionId, issuer));
	}
	if (token.keyId !== undefined) {
		keys.set("key", revocationKey("key", token.keyId));
	}
	return keys;
}

/**
 * Decides whether the entries found for a token revoke it; returns the kind that does, if any.
 *
 * Token and key entries revoke by existing. User and session entries hold a cut-off instant in
 * milliseconds: a token is covered when its `iat` (seconds, whole or fractional) is at or before
 * it. A whole-second `iat` therefore counts as issued at the start of its second, which refuses
 * every token of that second issued before the cut-off. A token without `iat` cannot show that
 * it came later, so any cut-off covers it.
 *
 * An external issuer's clock may run ahead of the gateway's by up to the clock tolerance, so
 * its `iat` can claim a later time than the token was really issued at; its tokens are covered
 * up to `skewSeconds` past the cut-off. The gateway's own `iat` comes from its own clock and is
 * compared exactly, so a token it mints after a revocation works at once.
 */
export function findRevocation(
	token: VerifiedToken,
	keys: ReadonlyMap<RevocationKind, string>,
	entries: ReadonlyMap<string, string | null>,
	skewSeconds: number,
): RevocationKind | undefined {
	for (const [kind, key] of keys) {
		const value = entries.get(key);
		if (value === undefined || value === null) {
			continue;
		}
		if (kind === "token" || kind === "key") {
			return kind;
		}
		const issuedAt = token.claims.iat;
		const cutoffSeconds = Number(value) / 1000 + (token.issuerName === undefined ? 0 : skewSeconds);
		// An unreadable cut-off is treated as covering the token: refusing is the safe error.
		if (issuedAt === undefined || !(issuedAt > cutoffSeconds)) {
			return kind;
		}
	}
	return undefined;
}
