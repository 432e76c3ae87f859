import { describe, expect, it } from "vitest";
import {
	KV_MINIMUM_TTL_SECONDS,
	latestExpiryOfTokensIssuedBy,
	revocationEntryTtl,
} from "../../src/revocation/ttl";

const now = 1_767_225_600_000;
const nowSeconds = now / 1000;

describe("revocationEntryTtl", () => {
	it("lasts until exp plus the clock tolerance", () => {
		expect(revocationEntryTtl(nowSeconds + 600, 30, now)).toBe(630);
	});

	it("rounds a fractional remainder up, never down", () => {
		expect(revocationEntryTtl(nowSeconds + 600, 30, now + 1)).toBe(630);
		expect(revocationEntryTtl(nowSeconds + 600, 30, now + 999)).toBe(630);
		expect(revocationEntryTtl(nowSeconds + 600, 30, now + 1000)).toBe(629);
	});

	it("never goes below KV's 60-second minimum", () => {
		expect(revocationEntryTtl(nowSeconds + 1, 0, now)).toBe(KV_MINIMUM_TTL_SECONDS);
		expect(revocationEntryTtl(nowSeconds, 1, now)).toBe(KV_MINIMUM_TTL_SECONDS);
	});

	it("needs no entry once exp plus the tolerance has passed", () => {
		expect(revocationEntryTtl(nowSeconds - 30, 30, now)).toBeNull();
		expect(revocationEntryTtl(nowSeconds - 31, 30, now)).toBeNull();
	});

	it("still needs one inside the tolerance window after exp", () => {
		expect(revocationEntryTtl(nowSeconds - 29, 30, now + 999)).toBe(KV_MINIMUM_TTL_SECONDS);
	});
});

describe("latestExpiryOfTokensIssuedBy", () => {
	it("adds the lifetime and the tolerance that iat may run ahead", () => {
		expect(latestExpiryOfTokensIssuedBy(now, 900, 30)).toBe(nowSeconds + 930);
	});
});
