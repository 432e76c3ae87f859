import { LeastRecentlyUsedMap } from "../cache/least-recently-used";
import type { VerifiedToken } from "./verify";

/**
 * Tokens longer than this, in characters, are verified every time rather than kept: the bound on
 * entries then bounds memory too (README, "The fast path").
 */
export const MAX_CACHED_TOKEN_LENGTH = 2048;

/**
 * Remembers, inside one isolate, tokens whose signature and claims already passed, keyed by the
 * exact compact token. A token sent again is then verified by a Map lookup and a comparison of
 * its validity window with the clock, instead of by decoding and a signature check.
 *
 * This is safe because the answer depends on nothing but the token's bytes, the keys and the
 * clock: the same bytes carry the same signature and claims, the gateway's own keys are fixed
 * for the isolate's life, and the time checks are repeated on every use. Keys of trusted
 * external issuers can change when the issuer rotates; those entries are kept no longer than
 * the issuer's key set itself is (verify.ts sets each token's window), and are verified again
 * once the set is fetched anew (auth/verify-token.ts). Only successes are kept,
 * so a forged token never lands here, and revocation is checked on every request regardless.
 */
export class VerificationCache {
	private readonly entries: LeastRecentlyUsedMap<string, VerifiedToken>;

	constructor(maxEntries: number) {
		this.entries = new LeastRecentlyUsedMap(maxEntries);
	}

	get size(): number {
		return this.entries.size;
	}

	/** The verified token, when it was verified before and its time checks still pass at `now`. */
	get(compactToken: string, now: number): VerifiedToken | undefined {
		const cached = this.entries.get(compactToken);
		if (cached === undefined) {
			return undefined;
		}
		if (now >= cached.validity.until) {
			this.entries.delete(compactToken);
			return undefined;
		}
		// A clock that stepped back could put `now` before `nbf` again; verify afresh then.
		return now >= cached.validity.from ? cached : undefined;
	}

	/** Keeps a token that just passed verification, for as long as its validity window. */
	remember(compactToken: string, token: VerifiedToken): void {
		if (compactToken.length > MAX_CACHED_TOKEN_LENGTH) {
			return;
		}
		this.entries.set(compactToken, token);
	}
}
