import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from "jose";
import type { SigningAlgorithm } from "../../src/tokens/algorithms";

export interface GeneratedKey {
	/** What goes into SIGNING_KEY. */
	pem: string;
	privateJwk: JWK;
	publicJwk: JWK;
	privateKey: CryptoKey;
}

/** A fresh asymmetric key pair in the forms the settings accept. */
export async function generateSigningKey(
	algorithm: Exclude<SigningAlgorithm, "HS256">,
	options: { modulusLength?: number } = {},
): Promise<GeneratedKey> {
	// jose refuses to generate RSA keys under 2048 bits, so weak keys come from WebCrypto itself.
	const { privateKey, publicKey } =
		options.modulusLength === undefined
			? await generateKeyPair(algorithm, { extractable: true })
			: ((await crypto.subtle.generateKey(
					{
						name: "RSASSA-PKCS1-v1_5",
						modulusLength: options.modulusLength,
						publicExponent: new Uint8Array([1, 0, 1]),
						hash: "SHA-256",
					},
					true,
					["sign", "verify"],
				)) as CryptoKeyPair);
	return {
		pem: await exportPKCS8(privateKey),
		privateJwk: await exportJWK(privateKey),
		publicJwk: await exportJWK(publicKey),
		privateKey,
	};
}
