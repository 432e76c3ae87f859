import { describe, expect, it } from "vitest";
import { RevocationLookupCache } from "../../src/revocation/lookup-cache";
import { frozenClock } from "../support/clock";
import {
	ADMIN_KEY,
	adminRevoke,
	bearer,
	logIn,
	type TestGateway,
	testGateway,
} from "../support/gateway";
import { kvDouble } from "../support/kv-doubles";

const status = async (gateway: TestGateway, token: string) =>
	(await gateway.request("/api/whoami", { headers: bearer(token) })).status;

describe("the in-isolate revocation cache", () => {
	it("checks a repeated token without another KV read", async () => {
		const store = kvDouble();
		const gateway = await testGateway({ kv: store.kv });
		const token = await logIn(gateway);
		expect(await status(gateway, token)).toBe(200);
		const readsAfterFirst = store.reads();
		expect(await status(gateway, token)).toBe(200);
		expect(await status(gateway, token)).toBe(200);
		expect(store.reads()).toBe(readsAfterFirst);
	});

	it("sees a revocation written elsewhere once REVOCATION_CACHE_SECONDS have passed", async () => {
		const gateway = await testGateway({ settings: { REVOCATION_CACHE_SECONDS: "5" } });
		const token = await logIn(gateway);
		expect(await status(gateway, token)).toBe(200);

		// Another isolate revokes alice: the entry reaches KV but not this isolate's cache.
		gateway.clock.advance(1);
		await gateway.kv.put("user:alice", String(gateway.clock()), { expirationTtl: 960 });

		gateway.clock.advance(4_998);
		expect(await status(gateway, token)).toBe(200);
		gateway.clock.advance(1);
		expect(await status(gateway, token)).toBe(401);
	});

	it("honours a revocation made through this isolate at once", async () => {
		const gateway = await testGateway({ settings: { REVOCATION_CACHE_SECONDS: "60" } });
		const token = await logIn(gateway);
		expect(await status(gateway, token)).toBe(200);
		gateway.clock.advance(1);
		await adminRevoke(gateway, { sub: "alice" });
		expect(await status(gateway, token)).toBe(401);
	});

	it("honours a reinstatement made through this isolate at once", async () => {
		const gateway = await testGateway({ settings: { REVOCATION_CACHE_SECONDS: "60" } });
		const token = await logIn(gateway);
		gateway.clock.advance(1);
		await adminRevoke(gateway, { sub: "alice" });
		expect(await status(gateway, token)).toBe(401);
		await gateway.request("/admin/revocations/user/alice", {
			method: "DELETE",
			headers: bearer(ADMIN_KEY),
		});
		expect(await status(gateway, token)).toBe(200);
	});

	it("reads KV on every request when turned off", async () => {
		const store = kvDouble();
		const gateway = await testGateway({
			kv: store.kv,
			settings: { REVOCATION_CACHE_SECONDS: "0" },
		});
		const token = await logIn(gateway);
		await status(gateway, token);
		await status(gateway, token);
		expect(store.reads()).toBe(2);
		expect(gateway.cache.size).toBe(0);
	});

	it("keeps at most its configured number of entries, dropping the least recently used", () => {
		const cache = new RevocationLookupCache(10_000, 3, frozenClock());
		for (const key of ["a", "b", "c"]) {
			cache.recordWrite(key, null);
		}
		expect(cache.get("a")).toBeNull();
		cache.recordWrite("d", "1");
		expect(cache.size).toBe(3);
		expect(cache.get("b")).toBeUndefined();
		expect(cache.get("a")).toBeNull();
		expect(cache.get("d")).toBe("1");
	});

	it("keeps a write made while a read was in flight over that read's older answer", () => {
		const cache = new RevocationLookupCache(10_000, 10, frozenClock());
		const read = cache.beginRead();
		cache.recordWrite("user:alice", "1767225600000");
		cache.recordRead("user:alice", null, read);
		expect(cache.get("user:alice")).toBe("1767225600000");
		cache.recordRead("user:bob", null, read);
		expect(cache.get("user:bob")).toBeNull();
	});

	it("keeps evicting the least recently used entry as reads and writes interleave", () => {
		const cache = new RevocationLookupCache(10_000, 3, frozenClock());
		for (const key of ["a", "b", "c"]) {
			cache.recordWrite(key, null);
		}
		cache.recordWrite("d", null);
		cache.get("b");
		cache.recordWrite("e", null);
		cache.get("d");
		cache.recordWrite("f", null);
		cache.recordWrite("g", "1");
		expect(cache.size).toBe(3);
		const kept = ["a", "b", "c", "d", "e", "f", "g"].filter((key) => cache.get(key) !== undefined);
		expect(kept).toEqual(["d", "f", "g"]);
	});

	it("forgets an entry when its time is up", () => {
		const clock = frozenClock();
		const cache = new RevocationLookupCache(1_000, 10, clock);
		cache.recordWrite("a", "1");
		clock.advance(999);
		expect(cache.get("a")).toBe("1");
		clock.advance(1);
		expect(cache.get("a")).toBeUndefined();
		expect(cache.size).toBe(0);
	});
});
