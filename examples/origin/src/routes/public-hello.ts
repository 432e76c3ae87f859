import { Hono } from "hono";

/** A route the gateway lets through without a token (it matches the default PUBLIC_PATHS). */
export const publicHelloRoute = new Hono().get("/public/hello", (context) =>
	context.json({ message: "hello from the example origin" }, 200),
);
