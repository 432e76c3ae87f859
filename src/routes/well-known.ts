import { Hono } from "hono";
import type { GatewayEnv } from "../http/context";

/** `/.well-known/*`: the public keys that verify the gateway's tokens. */
export const wellKnownRoutes = new Hono<GatewayEnv>();

wellKnownRoutes.get("/jwks.json", (c) => {
	// HS256 keys are secret, so the set is empty; asymmetric keys will be published here.
	return c.json({ keys: [] }, 200, { "Cache-Control": "public, max-age=300" });
});
