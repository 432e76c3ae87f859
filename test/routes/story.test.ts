import { describe, expect, it } from "vitest";
import { adminRevoke, bearer, logIn, testGateway } from "../support/gateway";

// The foundation story: log in, call the API, get deactivated, get 401, log in again.
describe("the deactivation story", () => {
	it("refuses alice's token after an admin deactivates her, and accepts her next login", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);

		const before = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(before.status).toBe(200);
		expect(await before.json()).toMatchObject({ sub: "alice" });
		expect(gateway.origin.proxied()).toHaveLength(1);

		gateway.clock.advance(1500);
		const revoked = await adminRevoke(gateway, { sub: "alice", reason: "subscription ended" });
		expect(revoked.status).toBe(201);

		gateway.clock.advance(1);
		const after = await gateway.request("/api/whoami", { headers: bearer(token) });
		expect(after.status).toBe(401);
		expect(after.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
		expect(await after.json()).toMatchObject({ error: "invalid_token" });
		expect(gateway.origin.proxied()).toHaveLength(1);

		const fresh = await logIn(gateway);
		const again = await gateway.request("/api/whoami", { headers: bearer(fresh) });
		expect(again.status).toBe(200);
		expect(gateway.origin.proxied()).toHaveLength(2);
	});
});
