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
		server.close(event.code, event.reason);
	});
	return new Response(null, { status: 101, webSocket: client });
});
