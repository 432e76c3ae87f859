import { Hono } from "hono";
import { errorResponse } from "../error-response";
import type { OriginEnv } from "../origin-env";

/**
 * A WebSocket that sends every message back, for trying the gateway's WebSocket forwarding.
 * It uses workerd's `WebSocketPair` directly: Hono's helper for it lives in
 * `hono/cloudflare-workers`, which is deprecated.
 */
export const webSocketEchoRoute = new Hono<OriginEnv>().get("/api/ws", (context) => {
	if (context.req.header("Upgrade")?.toLowerCase() !== "websocket") {
		return errorResponse(context, 426, "upgrade_required", "connect with a WebSocket");
	}
	const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
	server.accept();
	server.addEventListener("message", (event) => {
		server.send(event.data);
	});
	server.addEventListener("close", (event) => {
		// 1005 (no code given) and 1006 (connection lost) describe a close and may never be sent
		// in one (RFC 6455 §7.4.1), so such a close is answered without a code.
		if (event.code === 1005 || event.code === 1006) {
			server.close();
		} else {
			server.close(event.code, event.reason);
		}
	});
	return new Response(null, { status: 101, webSocket: client });
});
