import type { Hono } from "hono";
import { SettingsError } from "./config/settings";
import { dependenciesFromEnv } from "./dependencies";
import { createGateway } from "./gateway";
import type { GatewayEnv } from "./http/context";
import { createJsonLogger } from "./http/logger";

const logger = createJsonLogger();

// Settings are parsed and keys imported once per isolate, not per request.
const gateways = new WeakMap<Env, Promise<Hono<GatewayEnv>>>();

function gatewayFor(env: Env): Promise<Hono<GatewayEnv>> {
	let gateway = gateways.get(env);
	if (gateway === undefined) {
		gateway = dependenciesFromEnv(env, logger).then(createGateway);
		gateways.set(env, gateway);
	}
	return gateway;
}

export default {
	async fetch(request, env, ctx) {
		let gateway: Hono<GatewayEnv>;
		try {
			gateway = await gatewayFor(env);
		} catch (error) {
			// A misconfigured gateway refuses every request and says which setting is wrong;
			// serving with a missing key or the example secrets would be worse than not serving.
			const description =
				error instanceof SettingsError ? error.message : "The gateway failed to start.";
			logger.error("gateway_misconfigured", { detail: description });
			return Response.json(
				{ error: "gateway_misconfigured", error_description: description },
				{ status: 503, headers: { "Cache-Control": "no-store" } },
			);
		}
		return gateway.fetch(request, env, ctx);
	},
} satisfies ExportedHandler<Env>;
