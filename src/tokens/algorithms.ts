/** JWS algorithms the gateway signs and verifies with; each key is bound to exactly one. */
export const SIGNING_ALGORITHMS = ["HS256", "ES256", "EdDSA", "RS256"] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
	return typeof value === "string" && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/** Whether the algorithm uses a shared secret, which must never be published. */
export function isSymmetric(algorithm: SigningAlgorithm): boolean {
	return algorithm === "HS256";
}

/** Smallest HMAC secret accepted, in bytes (RFC 7518 §3.2: at least the hash size). */
export const MIN_HMAC_SECRET_BYTES = 32;

/** Smallest RSA modulus accepted, in bits. */
export const MIN_RSA_MODULUS_BITS = 2048;
