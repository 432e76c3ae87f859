import { type CryptoKey, generateKeyPair, SignJWT } from "jose";

/** The algorithms the gateway supports today (HS256) and those it is about to support. */
export type FixtureAlgorithm = "HS256" | "ES256" | "EdDSA" | "RS256";

export const FIXTURE_ISSUER = "jwt-edge-gateway";
export const FIXTURE_AUDIENCE = "api";

export interface SignedTokenFixture {
	token: string;
	/** For HS256 the raw secret, as the gateway holds it; otherwise the public key. */
	verificationKey: Uint8Array | CryptoKey;
	/** For HS256, the secret as text, the form Hono's `verify` takes. */
	secretText?: string;
}

/**
 * A token shaped like the gateway's own (header and claims), signed with a fresh key of the
 * given algorithm: RSA with 2048 bits (the smallest size jose accepts), ECDSA on P-256, EdDSA on
 * Ed25519.
 */
export async function signedTokenFixture(algorithm: FixtureAlgorithm): Promise<SignedTokenFixture> {
	let signingKey: Uint8Array | CryptoKey;
	let verificationKey: Uint8Array | CryptoKey;
	let secretText: string | undefined;
	if (algorithm === "HS256") {
		secretText = crypto.randomUUID() + crypto.randomUUID();
		signingKey = new TextEncoder().encode(secretText);
		verificationKey = signingKey;
	} else {
		const pair = await generateKeyPair(algorithm, { modulusLength: 2048 });
		signingKey = pair.privateKey;
		verificationKey = pair.publicKey;
	}
	// A second in the past: Hono's `verify` refuses an `iat` later than the current whole second,
	// and inside a Worker the clock does not move while the loop runs.
	const issuedAt = Math.floor(Date.now() / 1000) - 1;
	const token = await new SignJWT({ sid: crypto.randomUUID(), name: "Bench User" })
		.setProtectedHeader({ alg: algorithm, typ: "at+jwt", kid: "bench-key" })
		.setIssuer(FIXTURE_ISSUER)
		.setAudience(FIXTURE_AUDIENCE)
		.setSubject("bench-user")
		.setJti(crypto.randomUUID())
		.setIssuedAt(issuedAt)
		.setExpirationTime(issuedAt + 900)
		.sign(signingKey);
	return { token, verificationKey, ...(secretText === undefined ? {} : { secretText }) };
}
