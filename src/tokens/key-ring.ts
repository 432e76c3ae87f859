import type { JWK } from "jose";
import type { SigningAlgorithm } from "./algorithms";
import {
	importSigningKey,
	importVerificationJwk,
	KeyMaterialError,
	type SigningKey,
	type VerificationKey,
} from "./key-material";

/**
 * The gateway's own keys: the current one signs; it and the previous ones verify. Keeping the
 * previous keys lets tokens signed before a rotation pass until they expire.
 */
export interface KeyRing {
	current: SigningKey;
	/** Every key that verifies, by `kid`; the only way a token's `kid` is ever used. */
	byKeyId: ReadonlyMap<string, VerificationKey>;
	/** Public JWKs of the asymmetric keys, for `/.well-known/jwks.json`. */
	publicJwks: JWK[];
}

/** Builds the key ring; throws a `KeyMaterialError` naming the setting that is wrong. */
export async function buildKeyRing(
	signingKeyMaterial: string,
	algorithm: SigningAlgorithm,
	previousKeys: readonly JWK[],
): Promise<KeyRing> {
	const current = await withSettingName("SIGNING_KEY", () =>
		importSigningKey(signingKeyMaterial, algorithm),
	);
	const byKeyId = new Map<string, VerificationKey>([[current.keyId, current]]);
	for (const jwk of previousKeys) {
		const key = await withSettingName("PREVIOUS_VERIFICATION_KEYS", () =>
			importVerificationJwk(jwk),
		);
		if (byKeyId.has(key.keyId)) {
			throw new KeyMaterialError(
				`PREVIOUS_VERIFICATION_KEYS repeats the kid ${JSON.stringify(key.keyId)}`,
			);
		}
		byKeyId.set(key.keyId, key);
	}
	const publicJwks = [...byKeyId.values()].flatMap((key) =>
		key.publicJwk === undefined ? [] : [key.publicJwk],
	);
	return { current, byKeyId, publicJwks };
}

async function withSettingName<T>(setting: string, load: () => Promise<T>): Promise<T> {
	try {
		return await load();
	} catch (error) {
		if (error instanceof KeyMaterialError) {
			throw new KeyMaterialError(`${setting} ${error.message}`);
		}
		throw error;
	}
}
