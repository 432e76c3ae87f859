import { parseSettings } from "./config/settings";
import type { GatewayDependencies } from "./http/context";
import type { Logger } from "./http/logger";
import { importOriginAssertionKey } from "./proxy/origin-assertion";
import { RevocationLookupCache } from "./revocation/lookup-cache";
import { Revocations } from "./revocation/revocations";
import { RevocationStore } from "./revocation/store";
import { importSigningKey } from "./tokens/signing-key";

/**
 * Builds the gateway's collaborators from the Worker's bindings. Throws a `SettingsError` naming
 * the setting when one is missing or malformed.
 */
export async function dependenciesFromEnv(
	env: Env,
	logger: Logger,
	clock: () => number = Date.now,
): Promise<GatewayDependencies> {
	const settings = parseSettings(env);
	const store = new RevocationStore(env.REVOCATIONS, logger);
	// One cache per isolate: dependencies are built once per isolate (see index.ts).
	const cache = new RevocationLookupCache(
		settings.revocationCacheSeconds * 1000,
		settings.revocationCacheMaxEntries,
		clock,
	);
	return {
		settings,
		signingKey: await importSigningKey(settings.signingKey),
		originAssertionKey: await importOriginAssertionKey(settings.originAssertionSecret),
		revocations: new Revocations(store, settings, logger, clock, cache),
		logger,
		clock,
		fetchUpstream: (request) => fetch(request),
	};
}
