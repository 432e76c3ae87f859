import { verify as honoVerify } from "hono/jwt";
import { type CryptoKey, jwtVerify } from "jose";
import {
	FIXTURE_AUDIENCE,
	FIXTURE_ISSUER,
	type FixtureAlgorithm,
	type SignedTokenFixture,
	signedTokenFixture,
} from "./signed-token-fixture";

/** One way of verifying a token, prepared once and then called in a loop. */
export interface TokenVerifier {
	algorithm: FixtureAlgorithm;
	describe: string;
	/** Signs a fixture token and returns the function that verifies it once. */
	prepare: () => Promise<() => Promise<unknown>>;
}

const joseOptions = (algorithm: FixtureAlgorithm) => ({
	algorithms: [algorithm],
	issuer: FIXTURE_ISSUER,
	audience: FIXTURE_AUDIENCE,
	requiredClaims: ["exp", "sub"],
});

/** jose's `jwtVerify` as the gateway calls it, with the key the fixture holds. */
function joseVerifier(algorithm: FixtureAlgorithm, describe: string): TokenVerifier {
	return {
		algorithm,
		describe,
		prepare: async () => {
			const { token, verificationKey } = await signedTokenFixture(algorithm);
			return () => jwtVerify(token, verificationKey, joseOptions(algorithm));
		},
	};
}

async function importedHmacKey(fixture: SignedTokenFixture): Promise<CryptoKey> {
	if (!(fixture.verificationKey instanceof Uint8Array)) {
		throw new Error("an HS256 fixture holds a raw secret");
	}
	return crypto.subtle.importKey(
		"raw",
		fixture.verificationKey,
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["verify"],
	);
}

/**
 * The verifiers the micro-benchmark compares, by id. HS256 appears three times: with the raw
 * secret, as the gateway passes it today (jose then imports the key on every call); with a key
 * imported once; and through Hono's own `verify`, as the verify-only peer does.
 */
export const TOKEN_VERIFIERS: Record<string, TokenVerifier> = {
	"HS256-jose-raw-secret": joseVerifier("HS256", "HS256, jose, raw secret (the gateway today)"),
	"HS256-jose-imported-key": {
		algorithm: "HS256",
		describe: "HS256, jose, key imported once",
		prepare: async () => {
			const fixture = await signedTokenFixture("HS256");
			const key = await importedHmacKey(fixture);
			return () => jwtVerify(fixture.token, key, joseOptions("HS256"));
		},
	},
	"HS256-hono": {
		algorithm: "HS256",
		describe: "HS256, hono/jwt (the verify-only peer)",
		prepare: async () => {
			const { token, secretText } = await signedTokenFixture("HS256");
			if (secretText === undefined) {
				throw new Error("an HS256 fixture has a text secret");
			}
			return () =>
				honoVerify(token, secretText, {
					alg: "HS256",
					iss: FIXTURE_ISSUER,
					aud: FIXTURE_AUDIENCE,
					typ: "at+jwt",
				});
		},
	},
	"ES256-jose": joseVerifier("ES256", "ES256 (P-256), jose"),
	"EdDSA-jose": joseVerifier("EdDSA", "EdDSA (Ed25519), jose"),
	"RS256-jose": joseVerifier("RS256", "RS256 (2048-bit RSA), jose"),
};
