import { parseSettings } from "../../src/config/settings";
import { createJsonLogger } from "../../src/http/logger";
import { RevocationLookupCache } from "../../src/revocation/lookup-cache";
import { Revocations } from "../../src/revocation/revocations";
import { RevocationStore } from "../../src/revocation/store";
import type { VerifiedToken } from "../../src/tokens/verify";

/**
 * Runs the gateway's revocation check (`Revocations.assertNotRevoked`) in a loop inside workerd,
 * with every answer already in its cache: what the check costs a request whose answer is
 * cached. `GET /checks?operations=M` runs M checks over a population of tokens whose four keys
 * each (token, user, session, signing key) were looked up once before; the caller times it.
 */
const TOKEN_COUNT = 1_000;
const LIFETIME_MS = 3_600_000;

const settings = parseSettings({
	UPSTREAM_URL: "http://origin.invalid",
	TOKEN_ISSUER: "jwt-edge-gateway",
	TOKEN_AUDIENCE: "api",
	SIGNING_KEY: "bench-signing-key-that-is-only-used-in-this-probe",
	ADMIN_API_KEY: "bench-admin-key-that-is-only-used-in-this-probe",
	ORIGIN_ASSERTION_SECRET: "bench-origin-assertion-secret-only-used-in-this-probe",
});
const logger = createJsonLogger(() => {});

/** A KV namespace in which nothing is revoked, answering without I/O. */
const emptyKv = {
	get: async (keys: string[]) => new Map(keys.map((key) => [key, null])),
} as unknown as KVNamespace;

interface WarmCheck {
	revocations: Revocations;
	tokens: VerifiedToken[];
}

let warmCheck: Promise<WarmCheck> | undefined;

/** Built with the first request: a Worker may not generate random ids at startup. */
async function warmedCheck(): Promise<WarmCheck> {
	const tokens = Array.from({ length: TOKEN_COUNT }, (_, index) => ({
		claims: { sub: `bench-user-${index}`, exp: 2_000_000_000, iat: 1_900_000_000 },
		tokenId: crypto.randomUUID(),
		sessionId: crypto.randomUUID(),
		keyId: "Hn7sQj3C0mNw1gTz0nB2c4Vd6Xe8Yf9Za1Kb3Lc5Md7",
		issuerName: undefined,
		validity: { from: 0, until: 2_000_030_000_000 },
	}));
	const cache = new RevocationLookupCache(LIFETIME_MS, 4 * TOKEN_COUNT, Date.now);
	const store = new RevocationStore(emptyKv, logger);
	const revocations = new Revocations(store, settings, logger, Date.now, cache);
	for (const token of tokens) {
		await revocations.assertNotRevoked(token);
	}
	return { revocations, tokens };
}

export default {
	async fetch(request) {
		const operations = Number(new URL(request.url).searchParams.get("operations") ?? "0");
		warmCheck ??= warmedCheck();
		const { revocations, tokens } = await warmCheck;
		for (let round = 0; round < operations; round++) {
			await revocations.assertNotRevoked(tokens[round % TOKEN_COUNT] as VerifiedToken);
		}
		return Response.json({ operations });
	},
} satisfies ExportedHandler;
