import {
	base64url,
	calculateJwkThumbprint,
	exportJWK,
	importJWK,
	importPKCS8,
	type JWK,
} from "jose";
import {
	isSigningAlgorithm,
	isSymmetric,
	MIN_HMAC_SECRET_BYTES,
	MIN_RSA_MODULUS_BITS,
	type SigningAlgorithm,
} from "./algorithms";

/** A key that verifies tokens, bound to one algorithm and one `kid`. */
export interface VerificationKey {
	algorithm: SigningAlgorithm;
	keyId: string;
	key: CryptoKey | Uint8Array;
	/** The public JWK to publish; undefined for HMAC secrets, which are never published. */
	publicJwk: JWK | undefined;
}

/** The current key: signs new tokens and verifies them again. */
export interface SigningKey extends VerificationKey {
	privateKey: CryptoKey | Uint8Array;
}

/** Key material that cannot be used; the message names the problem, never the material. */
export class KeyMaterialError extends Error {
	override readonly name = "KeyMaterialError";
}

const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/**
 * Reads `SIGNING_KEY`: a PKCS#8 PEM private key or a private JWK for ES256, EdDSA and RS256; a
 * secret of at least 32 bytes (or an `oct` JWK) for HS256. The `kid` is the JWK's own, else its
 * RFC 7638 thumbprint, so it changes whenever the key does.
 */
export async function importSigningKey(
	material: string,
	algorithm: SigningAlgorithm,
): Promise<SigningKey> {
	const text = material.trim();
	if (isSymmetric(algorithm)) {
		const jwk = text.startsWith("{") ? parseJwk(text) : undefined;
		const secret =
			jwk === undefined ? new TextEncoder().encode(material) : decodeOctKey(jwk, algorithm);
		const keyId = jwk?.kid ?? (await hmacKeyId(secret));
		const key = await hmacVerificationKey(secret);
		return { algorithm, keyId, key, privateKey: secret, publicJwk: undefined };
	}

	let privateKey: CryptoKey;
	let publicJwk: JWK;
	let declaredKeyId: string | undefined;
	try {
		if (text.startsWith("{")) {
			const jwk = parseJwk(text);
			assertAlgorithmMatches(jwk, algorithm);
			declaredKeyId = jwk.kid;
			privateKey = asCryptoKey(await importJWK(jwk, algorithm, { extractable: true }));
		} else {
			privateKey = await importPKCS8(text, algorithm, { extractable: true });
		}
		// Deriving the public half also proves the key fits the algorithm: the runtime refuses,
		// for instance, an EC key imported as Ed25519 only at this point.
		publicJwk = publicPart(await exportJWK(privateKey));
	} catch (error) {
		if (error instanceof KeyMaterialError) {
			throw error;
		}
		throw new KeyMaterialError(
			`is not a PKCS#8 PEM private key or a private JWK usable with ${algorithm}`,
		);
	}
	if (privateKey.type !== "private") {
		throw new KeyMaterialError("must be a private key, so that the gateway can sign");
	}

	assertStrongEnough(publicJwk, algorithm);
	const keyId = declaredKeyId ?? (await calculateJwkThumbprint(publicJwk));
	const publishedJwk: JWK = { ...publicJwk, kid: keyId, alg: algorithm, use: "sig" };
	return {
		algorithm,
		keyId,
		key: asCryptoKey(await importJWK(publishedJwk, algorithm)),
		privateKey,
		publicJwk: publishedJwk,
	};
}

/**
 * Reads one entry of `PREVIOUS_VERIFICATION_KEYS`: a JWK with its `alg`, public for asymmetric
 * algorithms (private members are dropped) or `oct` for HS256.
 */
export async function importVerificationJwk(jwk: JWK): Promise<VerificationKey> {
	const algorithm = jwk.alg;
	if (!isSigningAlgorithm(algorithm)) {
		throw new KeyMaterialError("entries need an alg of HS256, ES256, EdDSA or RS256");
	}
	if (isSymmetric(algorithm)) {
		const secret = decodeOctKey(jwk, algorithm);
		const keyId = jwk.kid ?? (await hmacKeyId(secret));
		return { algorithm, keyId, key: await hmacVerificationKey(secret), publicJwk: undefined };
	}
	const publicJwk = publicPart(jwk);
	assertStrongEnough(publicJwk, algorithm);
	const keyId = jwk.kid ?? (await calculateJwkThumbprint(publicJwk));
	let key: CryptoKey;
	try {
		key = asCryptoKey(await importJWK(publicJwk, algorithm));
	} catch {
		throw new KeyMaterialError(`has an entry that is not a valid ${algorithm} public JWK`);
	}
	return {
		algorithm,
		keyId,
		key,
		publicJwk: { ...publicJwk, kid: keyId, alg: algorithm, use: "sig" },
	};
}

function parseJwk(text: string): JWK {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new KeyMaterialError("looks like JSON but does not parse as a JWK");
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new KeyMaterialError("must be a JWK object");
	}
	return parsed as JWK;
}

function assertAlgorithmMatches(jwk: JWK, algorithm: SigningAlgorithm): void {
	if (jwk.alg !== undefined && jwk.alg !== algorithm) {
		throw new KeyMaterialError(`is a JWK for ${jwk.alg}, but SIGNING_ALGORITHM is ${algorithm}`);
	}
}

function decodeOctKey(jwk: JWK, algorithm: SigningAlgorithm): Uint8Array {
	assertAlgorithmMatches(jwk, algorithm);
	if (jwk.kty !== "oct" || typeof jwk.k !== "string") {
		throw new KeyMaterialError('for HS256 must be a secret or an "oct" JWK');
	}
	const secret = base64url.decode(jwk.k);
	if (secret.byteLength < MIN_HMAC_SECRET_BYTES) {
		throw new KeyMaterialError(`must hold at least ${MIN_HMAC_SECRET_BYTES} bytes for HS256`);
	}
	return secret;
}

/**
 * The secret imported once as a verify-only WebCrypto key. Handed raw bytes, jose would import
 * them again for every token, a measurable share of each request.
 */
function hmacVerificationKey(secret: Uint8Array): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
		"verify",
	]);
}

async function hmacKeyId(secret: Uint8Array): Promise<string> {
	if (secret.byteLength < MIN_HMAC_SECRET_BYTES) {
		throw new KeyMaterialError(`must be at least ${MIN_HMAC_SECRET_BYTES} bytes for HS256`);
	}
	// The thumbprint of a secret is a SHA-256 over it: with 32 random bytes or more it reveals
	// nothing usable, and it lets logs, revocations and rotation name the key.
	return calculateJwkThumbprint({ kty: "oct", k: base64url.encode(secret) });
}

function publicPart(jwk: JWK): JWK {
	const copy: Record<string, unknown> = { ...jwk };
	for (const member of [...PRIVATE_JWK_MEMBERS, "kid", "alg", "use", "key_ops", "ext"]) {
		delete copy[member];
	}
	return copy as JWK;
}

function assertStrongEnough(publicJwk: JWK, algorithm: SigningAlgorithm): void {
	const expected: Record<string, (jwk: JWK) => boolean> = {
		ES256: (jwk) => jwk.kty === "EC" && jwk.crv === "P-256",
		EdDSA: (jwk) => jwk.kty === "OKP" && jwk.crv === "Ed25519",
		RS256: (jwk) => jwk.kty === "RSA" && typeof jwk.n === "string",
	};
	if (expected[algorithm]?.(publicJwk) !== true) {
		throw new KeyMaterialError(`is not a key of the type ${algorithm} needs`);
	}
	if (algorithm === "RS256") {
		const modulusBits = base64url.decode(publicJwk.n ?? "").byteLength * 8;
		if (modulusBits < MIN_RSA_MODULUS_BITS) {
			throw new KeyMaterialError(`must be an RSA key of at least ${MIN_RSA_MODULUS_BITS} bits`);
		}
	}
}

function asCryptoKey(key: CryptoKey | Uint8Array): CryptoKey {
	if (key instanceof Uint8Array) {
		throw new KeyMaterialError("is a secret where a public or private key was expected");
	}
	return key;
}
