/**
 * Compares a presented secret with the expected one in constant time. Both are hashed first so
 * that the comparison runs over equal lengths and its duration says nothing about the secret,
 * not even its length. `timingSafeEqual` is the Workers runtime's constant-time comparison.
 */
export async function secretsMatch(presented: string, expected: string): Promise<boolean> {
	const encoder = new TextEncoder();
	const [presentedDigest, expectedDigest] = await Promise.all([
		crypto.subtle.digest("SHA-256", encoder.encode(presented)),
		crypto.subtle.digest("SHA-256", encoder.encode(expected)),
	]);
	return crypto.subtle.timingSafeEqual(presentedDigest, expectedDigest);
}
