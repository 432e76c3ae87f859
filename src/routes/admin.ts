import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireAdmin } from "../auth/require-admin";
import type { GatewayEnv } from "../http/context";
import { GatewayError } from "../http/errors";
import { readJsonBody } from "../http/json-body";
import { isRevocationKind, isValidRevocationId, REVOCATION_KINDS } from "../revocation/keys";
import { MAX_REASON_LENGTH } from "../revocation/revocations";
import { methodNotAllowed, unknownRoute } from "./fallbacks";
import { knownIssuer, revocationRequestFor, revocationTarget } from "./revocation-target";

/** `/admin/*`: create, list, inspect and reinstate revocations. Every route needs the admin key. */
export const adminRoutes = new Hono<GatewayEnv>();
adminRoutes.use(requireAdmin);

// Strict on both sides: zod reports a key only when neither side knows it, so a misspelt field
// (`isuer`) is refused instead of quietly revoking in the gateway's own namespace.
const createBody = revocationTarget.and(
	z.strictObject({
		// Control characters would be escaped sixfold in the metadata JSON and could push it past
		// KV's 1024-byte limit; a reason is a line of text.
		reason: z
			.string()
			.max(MAX_REASON_LENGTH)
			.regex(
				/^[^\p{Cc}\p{Zl}\p{Zp}\p{Cs}]*$/u,
				"reason must be one line of text without control characters",
			)
			.optional(),
	}),
);

adminRoutes.post("/revocations", async (c) => {
	const deps = c.get("deps");
	const body = await readJsonBody(c, createBody);

	const request = await revocationRequestFor(body, deps);
	const outcome = await deps.revocations.revoke({
		...request,
		revokedBy: "admin",
		...(body.reason === undefined ? {} : { reason: body.reason }),
	});
	return c.json({ revocation: outcome.record, stored: outcome.stored }, outcome.stored ? 201 : 200);
});

const listQuery = z.object({
	kind: z.enum(REVOCATION_KINDS).optional(),
	issuer: z.string().min(1).max(32).optional(),
	limit: z.coerce.number().int().min(1).max(1000).default(100),
	cursor: z.string().min(1).max(1024).optional(),
});

adminRoutes.get("/revocations", async (c) => {
	const { revocations } = c.get("deps");
	const query = listQuery.safeParse(c.req.query());
	if (!query.success) {
		throw new GatewayError(
			"invalid_request",
			`kind must be one of ${REVOCATION_KINDS.join(", ")}; limit 1 to 1000; cursor as returned; ` +
				"issuer a trusted issuer's name.",
		);
	}
	const { kind, limit, cursor } = query.data;
	// An issuer's ids live under one prefix per kind, so the filter needs the kind to be one.
	if (query.data.issuer !== undefined && kind === undefined) {
		throw new GatewayError("invalid_request", "issuer filters one kind: send kind as well.");
	}
	const issuer = knownIssuer(query.data.issuer, c.get("deps"));
	const page = await revocations.list(kind, issuer, limit, cursor);
	return c.json({ revocations: page.records, cursor: page.cursor ?? null });
});

/**
 * The revocation a GET or DELETE names: `/revocations/{kind}/{id}`, or `/revocations/{kind}?id=`
 * for ids a path cannot carry (`.`, `..`, line breaks), with `?issuer=` for an external issuer.
 */
function targetOf(c: Context<GatewayEnv>) {
	const kind = c.req.param("kind") ?? "";
	const id = c.req.param("id") ?? c.req.query("id") ?? "";
	if (!isRevocationKind(kind)) {
		throw new GatewayError("not_found", `Unknown kind; use one of ${REVOCATION_KINDS.join(", ")}.`);
	}
	if (!isValidRevocationId(id)) {
		throw new GatewayError("invalid_request", "The id must be well-formed text of 1 to 256 bytes.");
	}
	return { kind, id, issuer: knownIssuer(c.req.query("issuer"), c.get("deps")) };
}

async function inspect(c: Context<GatewayEnv>) {
	const { kind, id, issuer } = targetOf(c);
	const record = await c.get("deps").revocations.inspect(kind, id, issuer);
	if (record === null) {
		throw new GatewayError("revocation_not_found", `No ${kind} revocation with that id.`);
	}
	return c.json({ revocation: record });
}

async function reinstate(c: Context<GatewayEnv>) {
	const { kind, id, issuer } = targetOf(c);
	const removed = await c.get("deps").revocations.reinstate(kind, id, issuer);
	if (!removed) {
		throw new GatewayError("revocation_not_found", `No ${kind} revocation with that id.`);
	}
	return c.json({ reinstated: { kind, id, issuer: issuer ?? null } });
}

const ONE_REVOCATION = ["/revocations/:kind/:id{[\\s\\S]+}", "/revocations/:kind"];
for (const path of ONE_REVOCATION) {
	adminRoutes.get(path, inspect);
	adminRoutes.delete(path, reinstate);
	adminRoutes.all(path, methodNotAllowed("GET", "DELETE"));
}
adminRoutes.all("/revocations", methodNotAllowed("GET", "POST"));
adminRoutes.all("*", unknownRoute);
