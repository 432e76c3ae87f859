import { secretsAreEqual } from "./constant-time";

/** The claims the origin vouches for; the gateway puts them into the tokens it issues. */
export interface DemoUserClaims {
	name: string;
	roles: string[];
}

interface DemoUser {
	password: string;
	claims: DemoUserClaims;
}

/**
 * The users of the local demo. Their passwords are public on purpose: the example only shows how the
 * gateway asks an origin to check credentials, and a real origin would keep salted password hashes
 * in a database instead. A Map rather than an object literal keeps names such as "constructor" or
 * "__proto__" from finding inherited properties.
 */
const demoUsers: ReadonlyMap<string, DemoUser> = new Map([
	["alice", { password: "wonderland", claims: { name: "Alice Liddell", roles: ["reader"] } }],
	[
		"bob",
		{ password: "builder", claims: { name: "Bob the Builder", roles: ["reader", "writer"] } },
	],
]);

/**
 * Compared against when the username is unknown, so that an unknown user costs the same hashing as
 * a known one and the response time does not reveal which usernames exist. Even if a caller sends
 * exactly this string, the lookup below has already failed, so it never grants access.
 */
const passwordOfUnknownUsers = "no-such-user-placeholder-password";

/** Returns the user's claims when the username and password match a demo user, else undefined. */
export async function checkDemoCredentials(
	username: string,
	password: string,
): Promise<DemoUserClaims | undefined> {
	const user = demoUsers.get(username);
	const passwordMatches = await secretsAreEqual(password, user?.password ?? passwordOfUnknownUsers);
	if (user === undefined || !passwordMatches) {
		return undefined;
	}
	return user.claims;
}
