import { describe, expect, it } from "vitest";
import { adminRevoke, bearer, logIn, testGateway } from "../support/gateway";

const UPGRADE = { Upgrade: "websocket" };

function nextMessage(socket: WebSocket): Promise<string> {
	return new Promise((resolve) => {
		socket.addEventListener("message", (event) => resolve(String(event.data)), { once: true });
	});
}

describe("WebSocket upgrades", () => {
	it("reach the origin after the token check, and the socket echoes", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await gateway.request("/api/ws", {
			headers: { ...bearer(token), ...UPGRADE },
		});

		expect(response.status).toBe(101);
		const socket = response.webSocket;
		if (socket === null) {
			throw new Error("the gateway returned no WebSocket");
		}
		socket.accept();
		const echoed = nextMessage(socket);
		socket.send("hello through the gateway");
		expect(await echoed).toBe("hello through the gateway");
		socket.close(1000, "done");

		const forwarded = gateway.origin.proxied();
		expect(forwarded).toHaveLength(1);
		expect(forwarded[0]?.headers.get("upgrade")).toBe("websocket");
		expect(forwarded[0]?.headers.get("x-gateway-auth-subject")).toBe("alice");
	});

	it("are refused without a valid token before anything reaches the origin", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		expect((await adminRevoke(gateway, { sub: "alice" })).status).toBe(201);

		const anonymous = await gateway.request("/api/ws", { headers: UPGRADE });
		const revoked = await gateway.request("/api/ws", { headers: { ...bearer(token), ...UPGRADE } });
		expect(anonymous.status).toBe(401);
		expect(revoked.status).toBe(401);
		expect(anonymous.webSocket).toBeNull();
		expect(gateway.origin.proxied()).toHaveLength(0);
	});

	it("hand the origin's refusal of an upgrade back unchanged", async () => {
		const gateway = await testGateway();
		const token = await logIn(gateway);
		const response = await gateway.request("/api/ws", { headers: bearer(token) });
		expect(response.status).toBe(426);
		expect(await response.json()).toMatchObject({ error: "upgrade_required" });
	});
});
