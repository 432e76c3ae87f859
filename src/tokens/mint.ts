import { SignJWT } from "jose";
import type { Settings } from "../config/settings";
import type { SigningKey } from "./key-material";

/** Claims the gateway sets itself; an origin's extra claims cannot override them. */
const REGISTERED_CLAIMS = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid"]);

export interface MintedToken {
	token: string;
	tokenId: string;
	sessionId: string;
	/** Seconds until `exp`, as the login response reports it. */
	expiresIn: number;
}

export interface MintRequest {
	subject: string;
	/** Extra claims from the origin's credential check (roles, name, ...). */
	extraClaims: Record<string, unknown>;
	settings: Settings;
	signingKey: SigningKey;
	/** Milliseconds since the epoch. */
	now: number;
}

/**
 * Mints an access token for a fresh session. `iat` keeps millisecond precision (RFC 7519 allows
 * fractional NumericDates) so that a token minted in the same second as a revocation, but after
 * it, is told apart from the tokens the revocation covers.
 */
export async function mintAccessToken(request: MintRequest): Promise<MintedToken> {
	const { settings, signingKey } = request;
	const issuedAt = request.now / 1000;
	const expiresAt = Math.floor(issuedAt) + settings.tokenLifetimeSeconds;
	const tokenId = crypto.randomUUID();
	const sessionId = crypto.randomUUID();

	const extraClaims = Object.fromEntries(
		Object.entries(request.extraClaims).filter(([name]) => !REGISTERED_CLAIMS.has(name)),
	);
	const token = await new SignJWT({ ...extraClaims, sid: sessionId })
		.setProtectedHeader({ alg: signingKey.algorithm, typ: "at+jwt", kid: signingKey.keyId })
		.setIssuer(settings.issuer)
		.setAudience(settings.audience)
		.setSubject(request.subject)
		.setJti(tokenId)
		.setIssuedAt(issuedAt)
		.setExpirationTime(expiresAt)
		.sign(signingKey.privateKey);

	return { token, tokenId, sessionId, expiresIn: expiresAt - Math.floor(issuedAt) };
}
