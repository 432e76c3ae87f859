import { Hono } from "hono";
import { errorResponse } from "./error-response";
import { authVerifyRoute } from "./routes/auth-verify";
import { echoRoute } from "./routes/echo";
import { publicHelloRoute } from "./routes/public-hello";
import { whoamiRoute } from "./routes/whoami";

/**
 * The example origin. Routing ignores a trailing slash (`strict: false`) so that "/api/echo/" reaches
 * the echo route too; the echo still reports the path exactly as it arrived.
 */
export const originApp = new Hono({ strict: false })
	.route("/", authVerifyRoute)
	.route("/", whoamiRoute)
	.route("/", echoRoute)
	.route("/", publicHelloRoute);

originApp.notFound((context) =>
	errorResponse(
		context,
		404,
		"not_found",
		`no route for ${context.req.method} ${context.req.path}`,
	),
);

originApp.onError((error, context) => {
	// Only the error's name goes to the log: messages can quote request data, and the response
	// never carries details, so a client cannot learn about the origin's internals.
	console.error(`unhandled ${error.name} on ${context.req.method} ${context.req.path}`);
	return errorResponse(context, 500, "server_error", "the origin failed to handle the request");
});
