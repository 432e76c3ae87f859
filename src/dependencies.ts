import { parseSettings, SettingsError } from "./config/settings";
import type { GatewayDependencies } from "./http/context";
import type { Logger } from "./http/logger";
import { OriginAssertionSigner } from "./proxy/origin-assertion";
import { RevocationLookupCache } from "./revocation/lookup-cache";
import { Revocations } from "./revocation/revocations";
import { RevocationStore } from "./revocation/store";
import { issuerKeySets } from "./tokens/issuer-key-sets";
import { KeyMaterialError } from "./tokens/key-material";
import { buildKeyRing, type KeyRing } from "./tokens/key-ring";
import { VerificationCache } from "./tokens/verification-cache";

/**
 * Builds the gateway's collaborators from the Worker's bindings. Throws a `SettingsError` naming
 * the setting when one is missing or malformed, key material included.
 */
export async function dependenciesFromEnv(
	env: Env,
	logger: Logger,
	clock: () => number = Date.now,
): Promise<GatewayDependencies> {
	const settings = parseSettings(env);
	const store = new RevocationStore(env.REVOCATIONS, logger);
	// One of each cache per isolate: dependencies are built once per isolate (see index.ts).
	const cache = new RevocationLookupCache(
		settings.revocationCacheSeconds * 1000,
		settings.revocationCacheMaxEntries,
		clock,
	);
	return {
		settings,
		keys: await keyRingFor(settings),
		issuerKeySets: issuerKeySets(settings.trustedIssuers),
		originAssertions: await OriginAssertionSigner.fromSecret(settings.originAssertionSecret),
		revocations: new Revocations(store, settings, logger, clock, cache),
		verificationCache: new VerificationCache(settings.verificationCacheMaxEntries),
		logger,
		clock,
		fetchUpstream: (request) => fetch(request),
	};
}

/** The key ring of the settings; unusable key material is a settings error like any other. */
export async function keyRingFor(settings: ReturnType<typeof parseSettings>): Promise<KeyRing> {
	try {
		return await buildKeyRing(
			settings.signingKey,
			settings.signingAlgorithm,
			settings.previousVerificationKeys,
		);
	} catch (error) {
		if (error instanceof KeyMaterialError) {
			throw new SettingsError(`Invalid settings: ${error.message}`);
		}
		throw error;
	}
}
