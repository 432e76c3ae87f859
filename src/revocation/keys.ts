/** What a revocation applies to: one token, a user's tokens, a session's tokens, a signing key. */
export const REVOCATION_KINDS = ["token", "user", "session", "key"] as const;
export type RevocationKind = (typeof REVOCATION_KINDS)[number];

/** Longest id accepted, in UTF-8 bytes; KV keys may be 512 bytes and the kind prefix needs room. */
export const MAX_REVOCATION_ID_BYTES = 256;

export function isRevocationKind(value: string): value is RevocationKind {
	return (REVOCATION_KINDS as readonly string[]).includes(value);
}

/** Whether an id can be stored: non-empty, bounded, and otherwise any characters at all. */
export function isValidRevocationId(id: string): boolean {
	return id !== "" && new TextEncoder().encode(id).byteLength <= MAX_REVOCATION_ID_BYTES;
}

/**
 * The KV key of a revocation. The kind comes first and ends at the first colon, and no kind name
 * contains a colon, so ids of different kinds can never produce the same key.
 */
export function revocationKey(kind: RevocationKind, id: string): string {
	return `${kind}:${id}`;
}

/** The prefix under which every revocation of one kind is listed. */
export function revocationKeyPrefix(kind: RevocationKind): string {
	return `${kind}:`;
}

/** Splits a KV key back into kind and id; undefined for keys this gateway did not write. */
export function parseRevocationKey(key: string): { kind: RevocationKind; id: string } | undefined {
	const separator = key.indexOf(":");
	const kind = key.slice(0, separator);
	if (separator < 0 || !isRevocationKind(kind)) {
		return undefined;
	}
	return { kind, id: key.slice(separator + 1) };
}
