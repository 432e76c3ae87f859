import type { Settings } from "../config/settings";
import type { OriginAssertionSigner } from "../proxy/origin-assertion";
import type { Revocations } from "../revocation/revocations";
import type { IssuerKeySet } from "../tokens/issuer-key-sets";
import type { KeyRing } from "../tokens/key-ring";
import type { VerificationCache } from "../tokens/verification-cache";
import type { VerifiedToken } from "../tokens/verify";
import type { ErrorCode } from "./errors";
import type { Logger } from "./logger";

/** What every handler can reach: the parsed settings and the gateway's collaborators. */
export interface GatewayDependencies {
	settings: Settings;
	keys: KeyRing;
	/** Remote key sets of the trusted external issuers, by exact `iss`. */
	issuerKeySets: ReadonlyMap<string, IssuerKeySet>;
	/** Signs the assertion every forwarded request carries to the origin. */
	originAssertions: OriginAssertionSigner;
	revocations: Revocations;
	/** Tokens that already passed verification in this isolate. */
	verificationCache: VerificationCache;
	logger: Logger;
	/** Milliseconds since the epoch; tests pass a frozen clock. */
	clock: () => number;
	/** How the gateway reaches the origin: the platform's fetch, or an in-process origin in tests. */
	fetchUpstream: (request: Request) => Promise<Response>;
}

/** Hono's environment type for the gateway app. */
export interface GatewayEnv {
	Variables: {
		deps: GatewayDependencies;
		requestId: string;
		/** Set by the token check on protected routes. */
		token?: VerifiedToken;
		/** The precise outcome code for the request's log line, when it is not plain success. */
		outcome?: ErrorCode | string;
		/** Extra fields for the request's log line (never secrets). */
		logFields?: Record<string, string | number | boolean>;
	};
}
