import { Hono } from "hono";
import { authenticate } from "./auth/require-token";
import { needsToken } from "./auth/route-access";
import type { GatewayDependencies, GatewayEnv } from "./http/context";
import { handleError } from "./http/error-response";
import { requestLog } from "./http/request-log";
import { forwardToUpstream } from "./proxy/forward";
import { resolveRoute } from "./proxy/routing";
import { adminRoutes } from "./routes/admin";
import { authRoutes } from "./routes/auth";
import { oauthRoutes } from "./routes/oauth";
import { wellKnownRoutes } from "./routes/well-known";

/**
 * The gateway as a Hono app: its own routes first, then every other path is matched to a route,
 * verified as that route requires, and forwarded to the route's origin.
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
		const clientUrl = new URL(c.req.url);
		const route = resolveRoute(clientUrl.pathname, deps.settings.routes);
		if (needsToken(route, c.req.raw)) {
			await authenticate(c);
		}

		return forwardToUpstream(c, route, clientUrl);
	});

	app.onError(handleError);
	return app;
}
