export interface BodyDigest {
	byteLength: number;
	sha256Hex: string;
}

function toHex(bytes: ArrayBuffer): string {
	return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Hashes a body while it streams in, through workerd's `crypto.DigestStream`, so that a body of
 * many megabytes is never held in memory as a whole. A missing body is hashed as empty.
 */
export async function digestBody(body: ReadableStream<Uint8Array> | null): Promise<BodyDigest> {
	const digestStream = new crypto.DigestStream("SHA-256");
	if (body === null) {
		await digestStream.close();
	} else {
		await body.pipeTo(digestStream);
	}
	const digest = await digestStream.digest;
	return { byteLength: Number(digestStream.bytesWritten), sha256Hex: toHex(digest) };
}
