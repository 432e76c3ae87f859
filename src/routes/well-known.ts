import { Hono } from "hono";
import type { GatewayEnv } from "../http/context";
import { methodNotAllowed, unknownRoute } from "./fallbacks";

/** `/.well-known/*`: the public keys that verify the gateway's tokens. */
export const wellKnownRoutes = new Hono<GatewayEnv>();

wellKnownRoutes.get("/jwks.json", (c) => {
	// Current and previous asymmetric keys; HMAC secrets are never published, so a gateway that
	// signs with HS256 answers an empty set. Five minutes of caching lets verifiers pick up a
	// rotation soon, while previous keys stay listed for as long as their tokens live.
	return c.json({ keys: c.get("deps").keys.publicJwks }, 200, {
		"Cache-Control": "public, max-age=300",
	});
});

wellKnownRoutes.all("/jwks.json", methodNotAllowed("GET", "HEAD"));
wellKnownRoutes.all("*", unknownRoute);
