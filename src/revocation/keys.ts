/** What a revocation applies to: one token, a user's tokens, a session's tokens, a signing key. */
export const REVOCATION_KINDS = ["token", "user", "session", "key"] as const;
export type RevocationKind = (typeof REVOCATION_KINDS)[number];

/** Longest id accepted, in UTF-8 bytes; KV keys may be 512 bytes and the prefix needs room. */
export const MAX_REVOCATION_ID_BYTES = 256;

export function isRevocationKind(value: string): value is RevocationKind {
	return (REVOCATION_KINDS as readonly string[]).includes(value);
}

// Half of a UTF-16 surrogate pair on its own: not a character, and KV refuses such key names.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether an id can be stored: non-empty, bounded, well-formed Unicode, and otherwise any
 * characters at all.
 */
export function isValidRevocationId(id: string): boolean {
	return (
		id !== "" &&
		!LONE_SURROGATE.test(id) &&
		new TextEncoder().encode(id).byteLength <= MAX_REVOCATION_ID_BYTES
	);
}

/**
 * The prefix of a kind's KV keys: `user:` for the gateway's own tokens, `user@auth0:` for the
 * tokens of the trusted issuer named `auth0`, whose user, session and token ids live in their
 * own namespace. Signing keys are named by globally unique thumbprints and never qualified.
 */
export function revocationKeyPrefix(kind: RevocationKind, issuerName?: string): string {
	return issuerName === undefined || kind === "key" ? `${kind}:` : `${kind}@${issuerName}:`;
}

/**
 * The KV key of a revocation. The prefix ends at the first colon, and neither kinds nor issuer
 * names contain one, so ids of different kinds or issuers can never produce the same key.
 */
export function revocationKey(kind: RevocationKind, id: string, issuerName?: string): string {
	return revocationKeyPrefix(kind, issuerName) + id;
}

export interface ParsedRevocationKey {
	kind: RevocationKind;
	id: string;
	issuerName: string | undefined;
}

/** Splits a KV key back into kind, issuer and id; undefined for keys this gateway did not write. */
export function parseRevocationKey(key: string): ParsedRevocationKey | undefined {
	const separator = key.indexOf(":");
	if (separator < 0) {
		return undefined;
	}
	const [kind, issuerName, ...rest] = key.slice(0, separator).split("@");
	if (kind === undefined || !isRevocationKind(kind) || rest.length > 0) {
		return undefined;
	}
	return { kind, id: key.slice(separator + 1), issuerName };
}
