import type { Settings } from "../config/settings";
import { GatewayError } from "../http/errors";
import type { Logger } from "../http/logger";
import { OWN_CLOCK_SKEW_SECONDS } from "../tokens/claims";
import type { VerifiedToken } from "../tokens/verify";
import {
	parseRevocationKey,
	type RevocationKind,
	revocationKey,
	revocationKeyPrefix,
} from "./keys";
import type { RevocationLookupCache } from "./lookup-cache";
import { findRevocation, revocationKeysFor } from "./rules";
import type { PendingEntry, RevocationMetadata, RevocationStore } from "./store";
import { latestExpiryOfTokensIssuedBy, revocationEntryTtl } from "./ttl";

/** Longest `reason` kept, in characters; KV metadata is limited to 1024 bytes in all. */
export const MAX_REASON_LENGTH = 200;

export interface RevocationRequest {
	kind: RevocationKind;
	id: string;
	/** The trusted issuer's name for an external token's ids; undefined for the gateway's own. */
	issuer?: string | undefined;
	/** For tokens: their `exp`, when known, so the entry lives no longer than needed. */
	expiresAt?: number;
	/**
	 * For tokens not valid yet: the instant they start to pass, in milliseconds. The longest
	 * lifetime the gateway accepts is counted from then rather than from now.
	 */
	validFrom?: number;
	reason?: string;
	revokedBy: string;
}

/** A revocation as the admin API shows it. */
export interface RevocationRecord {
	kind: RevocationKind;
	id: string;
	/** The trusted issuer the id belongs to; null for the gateway's own tokens and for keys. */
	issuer: string | null;
	/** ISO time the revocation was made. */
	revoked_at: string | null;
	/** ISO time KV drops the entry; null when it never expires (signing keys). */
	expires_at: string | null;
	revoked_by: string | null;
	reason: string | null;
}

export interface RevocationOutcome {
	record: RevocationRecord;
	/** False when nothing had to be stored, because the token can no longer pass anyway. */
	stored: boolean;
}

/** The revocation rules on top of the store: what to write, for how long, and what it covers. */
export class Revocations {
	constructor(
		private readonly store: RevocationStore,
		private readonly settings: Settings,
		private readonly logger: Logger,
		private readonly clock: () => number,
		private readonly cache: RevocationLookupCache,
	) {}

	/** Stores a revocation and resolves only once KV has accepted it. Idempotent. */
	async revoke(request: RevocationRequest): Promise<RevocationOutcome> {
		const where = { kind: request.kind, id: request.id, issuer: request.issuer };
		let entry = this.entryFor(request, this.clock());

		// A token past `exp` plus the tolerance can never pass again, so revoking it succeeds
		// without an entry; signing keys are the exception and never expire on their own.
		if (entry.expirationTtl === null && request.kind !== "key") {
			return { record: toRecord(where, entry.metadata), stored: false };
		}
		const key = revocationKey(request.kind, request.id, request.issuer);
		await this.store.write(key, (attempt) => {
			// A retried cut-off carries the instant of its own attempt. The first one may have
			// failed because another revocation of the same user or session was stored a moment
			// before (KV allows one write per second to a key); writing the older instant after
			// it would move the cut-off back and let in tokens that the other one covered.
			if (attempt > 1 && (request.kind === "user" || request.kind === "session")) {
				entry = this.entryFor(request, this.clock());
			}
			return entry;
		});
		// This isolate honours its own revocations at once, whatever the cache held before.
		this.cache.recordWrite(key, entry.value);
		this.logger.info("revocation_stored", {
			kind: request.kind,
			ttl_seconds: entry.expirationTtl,
			revoked_by: request.revokedBy,
		});
		return { record: toRecord(where, entry.metadata), stored: true };
	}

	/** The entry that revokes as of `now`: the instant as its value, facts in its metadata. */
	private entryFor(request: RevocationRequest, now: number): PendingEntry {
		const ttl = this.entryTtl(request, now);
		const metadata: RevocationMetadata = {
			revokedAt: now,
			expiresAt: ttl === null ? null : Math.ceil(now / 1000) + ttl,
			revokedBy: request.revokedBy,
		};
		if (request.reason !== undefined && request.reason !== "") {
			metadata.reason = request.reason.slice(0, MAX_REASON_LENGTH);
		}
		return { value: String(now), metadata, expirationTtl: ttl };
	}

	/** Removes a revocation; true when one existed. */
	async reinstate(kind: RevocationKind, id: string, issuer?: string): Promise<boolean> {
		const key = revocationKey(kind, id, issuer);
		const existing = await this.store.inspect(key);
		if (existing === null) {
			return false;
		}
		await this.store.remove(key);
		this.cache.recordWrite(key, null);
		this.logger.info("revocation_removed", { kind });
		return true;
	}

	async inspect(
		kind: RevocationKind,
		id: string,
		issuer?: string,
	): Promise<RevocationRecord | null> {
		const stored = await this.store.inspect(revocationKey(kind, id, issuer));
		return stored === null ? null : toRecord({ kind, id, issuer }, stored.metadata);
	}

	/** One page of revocations (of one kind, or all), from metadata alone: no read per entry. */
	async list(
		kind: RevocationKind | undefined,
		issuer: string | undefined,
		limit: number,
		cursor: string | undefined,
	) {
		const prefix = kind === undefined ? "" : revocationKeyPrefix(kind, issuer);
		const page = await this.store.list(prefix, limit, cursor);
		const records = page.entries.flatMap(({ key, metadata }) => {
			const parsed = parseRevocationKey(key);
			return parsed === undefined
				? []
				: [toRecord({ kind: parsed.kind, id: parsed.id, issuer: parsed.issuerName }, metadata)];
		});
		return { records, cursor: page.cursor };
	}

	/**
	 * Throws `token_revoked` when any entry covers the token. Keys the cache knows cost nothing;
	 * the rest are fetched in one bulk KV read. Only call this after the signature and claims
	 * passed, so forged tokens cost no KV read.
	 */
	async assertNotRevoked(token: VerifiedToken): Promise<void> {
		const keys = revocationKeysFor(token);
		let entries: Map<string, string | null>;
		try {
			entries = await this.lookUp([...keys.values()]);
		} catch (error) {
			if (this.settings.revocationReadFailure === "open") {
				// Fail-open is an operator's explicit choice (REVOCATION_READ_FAILURE=open): it keeps
				// the API up during a KV outage at the price of honouring revoked tokens meanwhile.
				this.logger.warn("revocation_check_skipped", { token_id: token.tokenId });
				return;
			}
			throw error;
		}
		const revokedBy = findRevocation(token, keys, entries, this.settings.clockToleranceSeconds);
		if (revokedBy !== undefined) {
			throw new GatewayError("token_revoked", `The token is revoked (by ${revokedBy}).`);
		}
	}

	/** The KV answer for each key, from the cache where fresh, else from one bulk read. */
	private async lookUp(keys: readonly string[]): Promise<Map<string, string | null>> {
		const entries = new Map<string, string | null>();
		const missing: string[] = [];
		for (const key of keys) {
			const cached = this.cache.get(key);
			if (cached === undefined) {
				missing.push(key);
			} else {
				entries.set(key, cached);
			}
		}
		if (missing.length === 0) {
			return entries;
		}
		const readGeneration = this.cache.beginRead();
		const fetched = await this.store.readMany(missing);
		for (const key of missing) {
			const value = fetched.get(key) ?? null;
			entries.set(key, value);
			this.cache.recordRead(key, value, readGeneration);
		}
		return entries;
	}

	private entryTtl(request: RevocationRequest, now: number): number | null {
		const { longestTokenLifetimeSeconds, clockToleranceSeconds } = this.settings;
		// How far an accepted token's `iat` may run ahead of this clock: the tolerance for other
		// issuers, and at least OWN_CLOCK_SKEW_SECONDS for the gateway's own, even with no tolerance.
		const issuedAtLead = Math.max(clockToleranceSeconds, OWN_CLOCK_SKEW_SECONDS);
		switch (request.kind) {
			case "key":
				// Revoking a signing key is an emergency switch: whoever holds the key can mint new
				// tokens, so the entry stays until an admin reinstates the key.
				return null;
			case "token": {
				// No accepted token expires later than this, so a larger `exp` (say 1e308, which
				// KV would refuse as a TTL) needs no longer an entry.
				const latest = latestExpiryOfTokensIssuedBy(
					Math.max(now, request.validFrom ?? now),
					longestTokenLifetimeSeconds,
					issuedAtLead,
				);
				return revocationEntryTtl(
					Math.min(request.expiresAt ?? latest, latest),
					clockToleranceSeconds,
					now,
				);
			}
			case "user":
			case "session":
				return revocationEntryTtl(
					latestExpiryOfTokensIssuedBy(now, longestTokenLifetimeSeconds, issuedAtLead),
					clockToleranceSeconds,
					now,
				);
		}
	}
}

function toRecord(
	where: { kind: RevocationKind; id: string; issuer: string | undefined },
	metadata: RevocationMetadata | null,
): RevocationRecord {
	return {
		kind: where.kind,
		id: where.id,
		issuer: where.kind === "key" ? null : (where.issuer ?? null),
		revoked_at: metadata === null ? null : new Date(metadata.revokedAt).toISOString(),
		expires_at:
			metadata?.expiresAt == null ? null : new Date(metadata.expiresAt * 1000).toISOString(),
		revoked_by: metadata?.revokedBy ?? null,
		reason: metadata?.reason ?? null,
	};
}
