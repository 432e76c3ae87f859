import { GatewayError } from "../http/errors";
import type { Logger } from "../http/logger";

/** Small facts kept in KV metadata, so that listing needs no read per entry (max 1024 bytes). */
export interface RevocationMetadata {
	/** When the revocation was made, in milliseconds since the epoch. */
	revokedAt: number;
	/** When KV drops the entry, in seconds since the epoch; null for entries that never expire. */
	expiresAt: number | null;
	/** Who revoked: `admin`, `self` (logout) or `oauth`. */
	revokedBy: string;
	reason?: string;
}

/** An entry to write: its value, its metadata, and its TTL in seconds (null: no expiry). */
export interface PendingEntry {
	value: string;
	metadata: RevocationMetadata;
	expirationTtl: number | null;
}

export interface StoredRevocation {
	key: string;
	value: string;
	metadata: RevocationMetadata | null;
}

export interface RevocationPage {
	entries: { key: string; metadata: RevocationMetadata | null }[];
	/** Pass back to get the next page; undefined on the last page. */
	cursor: string | undefined;
}

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	attempts: number;
	/** Wait before the second attempt, in milliseconds; doubled before each further one. */
	initialBackoffMs: number;
	sleep: (milliseconds: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	attempts: 4,
	initialBackoffMs: 250,
	sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

/**
 * Workers KV access for revocations. Writes retry with backoff, since KV answers 429 to more
 * than one write per second to a key; when they still fail, the caller gets `store_unavailable`
 * and is never told that a revocation happened.
 */
export class RevocationStore {
	constructor(
		private readonly kv: KVNamespace,
		private readonly logger: Logger,
		private readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
	) {}

	/** Reads several keys in one KV operation (KV allows up to 100). */
	async readMany(keys: readonly string[]): Promise<Map<string, string | null>> {
		try {
			return await this.kv.get([...keys], "text");
		} catch (error) {
			this.logger.error("revocation_read_failed", { detail: describeCause(error) });
			throw new GatewayError("store_unavailable", "The revocation store could not be read.", {
				cause: error,
			});
		}
	}

	/**
	 * Writes an entry, retrying with backoff; `entryForAttempt` gives the entry of each attempt
	 * (numbered from 1), so that a retry can carry a later instant than the first attempt did.
	 */
	async write(key: string, entryForAttempt: (attempt: number) => PendingEntry): Promise<void> {
		await this.withRetries("revocation_write_failed", (attempt) => {
			const { value, metadata, expirationTtl } = entryForAttempt(attempt);
			const options: KVNamespacePutOptions = { metadata };
			if (expirationTtl !== null) {
				options.expirationTtl = expirationTtl;
			}
			return this.kv.put(key, value, options);
		});
	}

	async remove(key: string): Promise<void> {
		await this.withRetries("revocation_delete_failed", () => this.kv.delete(key));
	}

	async inspect(key: string): Promise<StoredRevocation | null> {
		try {
			const { value, metadata } = await this.kv.getWithMetadata<RevocationMetadata>(key, "text");
			return value === null ? null : { key, value, metadata };
		} catch (error) {
			this.logger.error("revocation_read_failed", { detail: describeCause(error) });
			throw new GatewayError("store_unavailable", "The revocation store could not be read.", {
				cause: error,
			});
		}
	}

	async list(prefix: string, limit: number, cursor: string | undefined): Promise<RevocationPage> {
		try {
			const options: KVNamespaceListOptions = { prefix, limit };
			if (cursor !== undefined) {
				options.cursor = cursor;
			}
			const page = await this.kv.list<RevocationMetadata>(options);
			return {
				entries: page.keys.map((key) => ({ key: key.name, metadata: key.metadata ?? null })),
				cursor: page.list_complete ? undefined : page.cursor,
			};
		} catch (error) {
			this.logger.error("revocation_list_failed", { detail: describeCause(error) });
			throw new GatewayError("store_unavailable", "The revocation store could not be listed.", {
				cause: error,
			});
		}
	}

	/** Runs `operation` (told which attempt it is, from 1) until it succeeds or attempts run out. */
	private async withRetries(
		event: string,
		operation: (attempt: number) => Promise<void>,
	): Promise<void> {
		let backoff = this.retry.initialBackoffMs;
		for (let attempt = 1; ; attempt++) {
			try {
				await operation(attempt);
				return;
			} catch (error) {
				this.logger.warn(event, { attempt, detail: describeCause(error) });
				if (attempt >= this.retry.attempts) {
					throw new GatewayError(
						"store_unavailable",
						"The revocation store did not confirm the change, so it may not hold. Retry later.",
						{ cause: error },
					);
				}
				await this.retry.sleep(backoff);
				backoff *= 2;
			}
		}
	}
}

/** A store error's message, cut short; KV errors name keys and statuses, never secrets. */
function describeCause(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
