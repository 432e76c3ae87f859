import { Hono } from "hono";
import { cors } from "hono/cors";
import { errorResponse } from "./error-response";
import type { OriginEnv } from "./origin-env";
import { requireGatewayAssertion } from "./require-gateway";
import { authVerifyRoute } from "./routes/auth-verify";
import { bytesRoute } from "./routes/bytes";
import { echoRoute } from "./routes/echo";
import { publicHelloRoute } from "./routes/public-hello";
import { webSocketEchoRoute } from "./routes/websocket-echo";
import { whoamiRoute } from "./routes/whoami";

export interface OriginOptions {
	/** Milliseconds since the epoch, for checking assertions; tests pass a frozen clock. */
	now?: () => number;
}

/**
 * The example origin. Everything under /api/ answers only requests that carry a valid gateway
 * assertion; CORS preflights, which the gateway can forward without a token, get their answer
 * after that check. Routing ignores a trailing slash (`strict: false`) so that "/api/echo/"
 * reaches the echo route too; the echo still reports the path exactly as it arrived.
 */
export function createOriginApp(options: OriginOptions = {}): Hono<OriginEnv> {
	const app = new Hono<OriginEnv>({ strict: false });
	app.use("/api/*", requireGatewayAssertion(options.now ?? Date.now));
	app.use("/api/*", cors({ origin: "*", maxAge: 600 }));
	app
		.route("/", authVerifyRoute)
		.route("/", whoamiRoute)
		.route("/", echoRoute)
		.route("/", bytesRoute)
		.route("/", webSocketEchoRoute)
		.route("/", publicHelloRoute);

	app.notFound((context) =>
		errorResponse(
			context,
			404,
			"not_found",
			`no route for ${context.req.method} ${context.req.path}`,
		),
	);

	app.onError((error, context) => {
		// Only the error's name goes to the log: messages can quote request data, and the
		// response never carries details, so a client cannot learn about the origin's internals.
		console.error(`unhandled ${error.name} on ${context.req.method} ${context.req.path}`);
		return errorResponse(context, 500, "server_error", "the origin failed to handle the request");
	});
	return app;
}
