import type { GatewayAssertion } from "./gateway-assertion";

/** The example origin's Hono environment: its settings, and what the gateway vouched for. */
export interface OriginEnv {
	Bindings: {
		/** Secret shared with the gateway; verifies `X-Gateway-Auth-Assertion`. */
		ORIGIN_ASSERTION_SECRET: string;
		/** The gateway's `TOKEN_ISSUER`, the `iss` of its assertions. */
		GATEWAY_ISSUER: string;
		/**
		 * This origin's own URL (scheme, host, port) as the gateway's upstream setting names it:
		 * the `aud` its assertions must carry. Configured, never taken from the request's `Host`,
		 * which a caller chooses.
		 */
		ASSERTION_AUDIENCE: string;
	};
	Variables: {
		/** Set on /api/* once the assertion has been verified. */
		gatewayAssertion: GatewayAssertion;
	};
}
