import type { MiddlewareHandler } from "hono";
import { decode } from "hono/jwt";
import { countingKv, emptyKvOperationCounts } from "./counting-kv";
import { kvCountsResponse } from "./kv-counts-route";
import { createPeer, type PeerHonoEnv } from "./peer-app";

const counts = emptyKvOperationCounts();
let countedKv: KVNamespace | undefined;

/**
 * The straightforward revocation check: one KV `get` per key that could revoke the token, one
 * after the other, on every request. It looks up the same keys with the same meaning as the
 * gateway (src/revocation/keys.ts and rules.ts): token and key entries revoke by existing; user
 * and session entries hold a cut-off in milliseconds that covers tokens issued at or before it.
 */
const checkRevocationNaively: MiddlewareHandler<PeerHonoEnv> = async (c, next) => {
	const kv = c.env.REVOCATIONS;
	if (kv === undefined) {
		throw new Error("the naive revocation peer needs its REVOCATIONS binding");
	}
	countedKv ??= countingKv(kv, counts);
	const claims = c.get("jwtPayload");
	const authorization = c.req.header("authorization") ?? "";
	const keyId = decode(authorization.slice("Bearer ".length)).header.kid;

	const lookups: [key: string, isCutOff: boolean][] = [
		[`token:${claims.jti}`, false],
		[`user:${claims.sub}`, true],
	];
	if (claims.sid !== undefined) {
		lookups.push([`session:${claims.sid}`, true]);
	}
	if (keyId !== undefined) {
		lookups.push([`key:${keyId}`, false]);
	}
	for (const [key, isCutOff] of lookups) {
		const value = await countedKv.get(key);
		if (value === null) {
			continue;
		}
		if (!isCutOff || claims.iat === undefined || claims.iat * 1000 <= Number(value)) {
			return c.json({ error: "invalid_token" }, 401);
		}
	}
	await next();
};

const peer = createPeer(checkRevocationNaively);

export default {
	fetch(request, env, ctx) {
		return kvCountsResponse(request, counts) ?? peer.fetch(request, env, ctx);
	},
} satisfies ExportedHandler<PeerHonoEnv["Bindings"]>;
