import { describe, expect, it } from "vitest";
import { ADMIN_KEY, bearer, testGateway } from "../support/gateway";

// Whatever a client sends to the gateway's own routes, the answer is a JSON 4xx, never a 500.
describe("hostile input to the gateway's routes", () => {
	const cases: [string, string, RequestInit][] = [
		["login with a JSON string", "/auth/login", jsonBody('"alice"')],
		[
			"login with deeply nested JSON",
			"/auth/login",
			jsonBody(`${"[".repeat(5000)}${"]".repeat(5000)}`),
		],
		[
			"login with invalid UTF-8",
			"/auth/login",
			{
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body: new Uint8Array([0xff, 0xfe, 0x7b]),
			},
		],
		[
			"login with a charset parameter and garbage",
			"/auth/login",
			{
				method: "POST",
				headers: { "Content-Type": "application/json; charset=utf-8" },
				body: "{]",
			},
		],
		["login without content type", "/auth/login", { method: "POST", body: "{}" }],
		["logout with a garbage token", "/auth/logout", { method: "POST", headers: bearer("x.y.z") }],
		["admin with a huge bearer", "/admin/revocations", { headers: bearer("k".repeat(20_000)) }],
		["admin revoke with null", "/admin/revocations", adminJson("null")],
		["admin revoke with a garbage token", "/admin/revocations", adminJson('{"token":"not-a-jwt"}')],
		[
			"admin revoke with a huge body",
			"/admin/revocations",
			adminJson(`{"sub":"${"a".repeat(50_000)}"}`),
		],
		[
			"admin inspect with an overlong id",
			`/admin/revocations/user/${"x".repeat(300)}`,
			{ headers: bearer(ADMIN_KEY) },
		],
		[
			"admin inspect with broken percent-encoding",
			"/admin/revocations/user/%E0%A4%A",
			{ headers: bearer(ADMIN_KEY) },
		],
		["an unknown admin route", "/admin/nothing", { headers: bearer(ADMIN_KEY) }],
		["an unknown auth route", "/auth/verify", { method: "POST" }],
	];

	it("refuses an admin revocation whose id is invalid UTF-8, storing nothing", async () => {
		const gateway = await testGateway();
		const bytes = new Uint8Array([...new TextEncoder().encode('{"sub":"'), 0xff, 0xfe, 0x22, 0x7d]);
		const response = await gateway.request("/admin/revocations", {
			method: "POST",
			headers: { ...bearer(ADMIN_KEY), "Content-Type": "application/json" },
			body: bytes,
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: "invalid_request" });
		expect((await gateway.kv.list()).keys).toHaveLength(0);
	});

	it.each(cases)("%s answers a JSON 4xx", async (_case, path, init) => {
		const gateway = await testGateway();
		const response = await gateway.request(path, init);
		expect(response.status).toBeGreaterThanOrEqual(400);
		expect(response.status).toBeLessThan(500);
		const body = (await response.json()) as Record<string, unknown>;
		expect(typeof body.error).toBe("string");
		expect(typeof body.error_description).toBe("string");
		expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
	});
});

function jsonBody(body: string): RequestInit {
	return { method: "POST", headers: { "Content-Type": "application/json" }, body };
}

function adminJson(body: string): RequestInit {
	return {
		method: "POST",
		headers: { ...bearer(ADMIN_KEY), "Content-Type": "application/json" },
		body,
	};
}
