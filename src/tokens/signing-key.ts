import { base64url, calculateJwkThumbprint } from "jose";

/** The key that signs the gateway's tokens and verifies them again. */
export interface SigningKey {
	algorithm: "HS256";
	/** Sent as `kid` in every token; the RFC 7638 thumbprint, so it changes with the key. */
	keyId: string;
	secret: Uint8Array;
}

/** Builds the HS256 signing key from the `SIGNING_KEY` secret (validated to be >= 32 bytes). */
export async function importSigningKey(secret: string): Promise<SigningKey> {
	const bytes = new TextEncoder().encode(secret);
	// The thumbprint of a symmetric key is a SHA-256 over it; with a secret of 32 bytes or more
	// it reveals nothing usable, and it lets logs and revocations name the key.
	const keyId = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(bytes) });
	return { algorithm: "HS256", keyId, secret: bytes };
}
