import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { checkDemoCredentials } from "../demo-users";
import { errorResponse } from "../error-response";
import { isJsonObject } from "../json-object";

/** A login body is two short strings; anything far larger is a mistake or an attack. */
const maximumBodyBytes = 8 * 1024;

interface Credentials {
	username: string;
	password: string;
}

/**
 * Parses the body by hand rather than with `c.req.json()`, because the runtime's JSON syntax errors
 * quote the offending input, and that input may be a password that must not reach an error
 * handler or a log.
 */
function parseCredentials(bodyText: string): Credentials | undefined {
	let body: unknown;
	try {
		body = JSON.parse(bodyText);
	} catch {
		return undefined;
	}
	if (!isJsonObject(body)) {
		return undefined;
	}
	const { username, password } = body;
	if (typeof username !== "string" || typeof password !== "string" || username === "") {
		return undefined;
	}
	return { username, password };
}

/**
 * The credential check the gateway calls at login. It answers who the user is and which claims the
 * gateway may put into the token; it never issues tokens itself.
 */
export const authVerifyRoute = new Hono().post(
	"/auth/verify",
	bodyLimit({
		maxSize: maximumBodyBytes,
		onError: (context) =>
			errorResponse(context, 413, "invalid_request", "the request body is too large"),
	}),
	async (context) => {
		const credentials = parseCredentials(await context.req.text());
		if (credentials === undefined) {
			return errorResponse(
				context,
				400,
				"invalid_request",
				'the body must be a JSON object with string fields "username" and "password"',
			);
		}
		const claims = await checkDemoCredentials(credentials.username, credentials.password);
		if (claims === undefined) {
			// One message for both an unknown user and a wrong password, so that the answer does not
			// reveal which usernames exist.
			return errorResponse(
				context,
				401,
				"invalid_credentials",
				"the username or password is incorrect",
			);
		}
		return context.json({ sub: credentials.username, claims }, 200);
	},
);
