// The clients of the benchmark: many users, each with one to a few sessions (one token each),
// minted exactly as the gateway mints its own tokens (src/tokens/mint.ts): HS256 with the run's
// signing key, `typ: at+jwt`, the key's RFC 7638 thumbprint as `kid`, a `jti` and a `sid`, and a
// millisecond-precision `iat`.

import { base64url, calculateJwkThumbprint, SignJWT } from "jose";
import { seededHexId } from "./seeded-random.mjs";

/**
 * @typedef {object} BenchToken
 * @property {string} token       the compact JWT
 * @property {string} subject
 * @property {string} sessionId
 * @property {string} tokenId
 * @property {number} expiresAt   `exp`, epoch seconds
 * @property {string | undefined} revokedAs  the revocation kind that covers it, if any
 */

/** Returns `mint({ subject, sessionId, tokenId })`, which signs one token like the gateway. */
export async function createTokenMinter(settings) {
	const secret = new TextEncoder().encode(settings.SIGNING_KEY);
	const keyId = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(secret) });
	const lifetimeSeconds = Number(settings.TOKEN_LIFETIME_SECONDS);
	return async ({ subject, sessionId, tokenId }) => {
		const issuedAt = Date.now() / 1000;
		const expiresAt = Math.floor(issuedAt) + lifetimeSeconds;
		const token = await new SignJWT({ sid: sessionId, name: `Bench user ${subject}` })
			.setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: keyId })
			.setIssuer(settings.TOKEN_ISSUER)
			.setAudience(settings.TOKEN_AUDIENCE)
			.setSubject(subject)
			.setJti(tokenId)
			.setIssuedAt(issuedAt)
			.setExpirationTime(expiresAt)
			.sign(secret);
		return { token, subject, sessionId, tokenId, expiresAt, revokedAs: undefined };
	};
}

/** Mints `users` users with 1 to `maxSessionsPerUser` sessions (tokens) each. */
export async function mintTokenPopulation({ settings, users, maxSessionsPerUser, random }) {
	const mint = await createTokenMinter(settings);
	const tokens = [];
	for (let user = 0; user < users; user++) {
		const sessions = 1 + Math.floor(random() * maxSessionsPerUser);
		for (let session = 0; session < sessions; session++) {
			tokens.push(
				await mint({
					subject: `bench-user-${user}`,
					sessionId: seededHexId(random),
					tokenId: seededHexId(random),
				}),
			);
		}
	}
	return tokens;
}

/**
 * Picks what to revoke: a share of users by `sub` (all their tokens), of sessions by `sid` and of
 * tokens by `jti`. Marks the covered tokens and returns the admin API bodies that revoke them.
 */
export function planRevocations(tokens, random, shares) {
	const bodies = [];
	const revokedUsers = new Set();
	for (const token of tokens) {
		if (revokedUsers.has(token.subject)) {
			token.revokedAs = "user";
			continue;
		}
		const draw = random();
		if (draw < shares.users) {
			revokedUsers.add(token.subject);
			bodies.push({ sub: token.subject });
			token.revokedAs = "user";
		} else if (draw < shares.users + shares.sessions) {
			bodies.push({ sid: token.sessionId });
			token.revokedAs = "session";
		} else if (draw < shares.users + shares.sessions + shares.tokens) {
			bodies.push({ jti: token.tokenId, exp: token.expiresAt });
			token.revokedAs = "token";
		}
	}
	return bodies;
}
