import { Hono } from "hono";
import { authenticate } from "./auth/require-token";
import { isPublicPath } from "./config/public-paths";
import type { GatewayDependencies, GatewayEnv } from "./http/context";
import { handleError } from "./http/error-response";
import { requestLog } from "./http/request-log";
import { forwardToUpstream } from "./proxy/forward";
import { adminRoutes } from "./routes/admin";
import { authRoutes } from "./routes/auth";
import { oauthRoutes } from "./routes/oauth";
import { wellKnownRoutes } from "./routes/well-known";

/**
 * The gateway as a Hono app: its own routes first, then every other path is verified (unless
 * public) and forwarded to the origin.
 */
export function createGateway(deps: GatewayDependencies): Hono<GatewayEnv> {
	const app = new Hono<GatewayEnv>();
	app.use(async (c, next) => {
		c.set("deps", deps);
		await next();
	});
	app.use(requestLog);

	app.route("/auth", authRoutes);
	app.route("/admin", adminRoutes);
	app.route("/oauth", oauthRoutes);
	app.route("/.well-known", wellKnownRoutes);

	app.all("*", async (c) => {
		const path = new URL(c.req.url).pathname;
		if (!isPublicPath(path, deps.settings.publicPaths)) {
			await authenticate(c);
		}

		return forwardToUpstream(c);
	});

	app.onError(handleError);
	return app;
}
