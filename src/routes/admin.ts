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

const createBody = revocationTarget.and(
	z.object({ reason: z.string().max(MAX_REASON_LENGTH).optional() }),
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
	const issuer = knownIssuer(query.data.issuer, c.get("deps"));
	const page = await revocations.list(kind, issuer, limit, cursor);
	return c.json({ revocations: page.records, cursor: page.cursor ?? null });
});

function pathTarget(c: Context<GatewayEnv>) {
	const kind = c.req.param("kind") ?? "";
	const id = c.req.param("id") ?? "";
	if (!isRevocationKind(kind)) {
		throw new GatewayError("not_found", `Unknown kind; use one of ${REVOCATION_KINDS.join(", ")}.`);
	}
	if (!isValidRevocationId(id)) {
		throw new GatewayError("invalid_request", "The id must be 1 to 256 bytes.");
	}
	return { kind, id, issuer: knownIssuer(c.req.query("issuer"), c.get("deps")) };
}

adminRoutes.get("/revocations/:kind/:id{.+}", async (c) => {
	const { kind, id, issuer } = pathTarget(c);
	const record = await c.get("deps").revocations.inspect(kind, id, issuer);
	if (record === null) {
		throw new GatewayError("revocation_not_found", `No ${kind} revocation with that id.`);
	}
	return c.json({ revocation: record });
});

adminRoutes.delete("/revocations/:kind/:id{.+}", async (c) => {
	const { kind, id, issuer } = pathTarget(c);
	const removed = await c.get("deps").revocations.reinstate(kind, id, issuer);
	if (!removed) {
		throw new GatewayError("revocation_not_found", `No ${kind} revocation with that id.`);
	}
	return c.json({ reinstated: { kind, id, issuer: issuer ?? null } });
});

adminRoutes.all("/revocations", methodNotAllowed);
adminRoutes.all("/revocations/:kind/:id{.+}", methodNotAllowed);
adminRoutes.all("*", unknownRoute);
