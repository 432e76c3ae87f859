const textEncoder = new TextEncoder();

/**
 * Compares two secrets without leaking, through the time it takes, how many leading bytes match or
 * how long the expected secret is. Hashing both sides first gives two buffers of the same length,
 * which `timingSafeEqual` (a workerd extension of WebCrypto) requires and then compares in
 * constant time.
 */
export async function secretsAreEqual(supplied: string, expected: string): Promise<boolean> {
	const [suppliedDigest, expectedDigest] = await Promise.all([
		crypto.subtle.digest("SHA-256", textEncoder.encode(supplied)),
		crypto.subtle.digest("SHA-256", textEncoder.encode(expected)),
	]);
	return crypto.subtle.timingSafeEqual(suppliedDigest, expectedDigest);
}
