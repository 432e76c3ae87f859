// `npm run keys -- <ALGORITHM> [--secret-only]`: generates a signing key for the gateway and
// prints what goes where. ALGORITHM is ES256 (default), EdDSA, RS256 or HS256.
// `npm run -s keys -- --jwk-of-secret < file`: prints the JWK of an HS256 secret already in use
// (read from standard input, never from the command line), for PREVIOUS_VERIFICATION_KEYS.
//
// SIGNING_KEY is printed as a one-line private JWK (HS256: a random secret), which fits both
// `.dev.vars` and `wrangler secret put`. Its `kid` is the RFC 7638 thumbprint, as the gateway
// computes it. The public JWK is what /.well-known/jwks.json will publish and what goes into
// PREVIOUS_VERIFICATION_KEYS once the key is rotated out. With --secret-only, only the
// SIGNING_KEY value is printed, for piping: `npm run -s keys -- ES256 --secret-only |
// npx wrangler secret put SIGNING_KEY`.

import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";

const ALGORITHMS = ["ES256", "EdDSA", "RS256", "HS256"];
const HMAC_SECRET_BYTES = 48;

const args = process.argv.slice(2);

/** The `oct` JWK, with its kid, of an HS256 secret: the gateway keys HMAC with its UTF-8 bytes. */
async function octJwkOf(secret) {
	const octJwk = { kty: "oct", k: base64url.encode(new TextEncoder().encode(secret)) };
	return { ...octJwk, kid: await calculateJwkThumbprint(octJwk), alg: "HS256" };
}

if (args.includes("--jwk-of-secret")) {
	let secret = "";
	for await (const chunk of process.stdin) {
		secret += chunk;
	}
	// A trailing newline from `echo` or a file is not part of the secret as wrangler stores it.
	secret = secret.replace(/\r?\n$/, "");
	if (new TextEncoder().encode(secret).byteLength < 32) {
		console.error("keys: an HS256 secret has at least 32 bytes; pipe it on standard input");
		process.exit(2);
	}
	console.log(JSON.stringify(await octJwkOf(secret)));
	process.exit(0);
}
const secretOnly = args.includes("--secret-only");
const algorithm = args.find((argument) => !argument.startsWith("--")) ?? "ES256";
if (!ALGORITHMS.includes(algorithm)) {
	console.error(`keys: unknown algorithm "${algorithm}"; use one of ${ALGORITHMS.join(", ")}`);
	process.exit(2);
}

/** Returns the SIGNING_KEY value and the JWK to keep for rotation. */
async function generate() {
	if (algorithm === "HS256") {
		const secret = base64url.encode(crypto.getRandomValues(new Uint8Array(HMAC_SECRET_BYTES)));
		return { signingKey: secret, keepJwk: await octJwkOf(secret) };
	}
	const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
	const publicJwk = await exportJWK(publicKey);
	const kid = await calculateJwkThumbprint(publicJwk);
	const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: algorithm };
	return {
		signingKey: JSON.stringify(privateJwk),
		keepJwk: { ...publicJwk, kid, alg: algorithm, use: "sig" },
	};
}

const { signingKey, keepJwk } = await generate();
if (secretOnly) {
	process.stdout.write(`${signingKey}\n`);
} else {
	const secretKind = algorithm === "HS256" ? "secret" : "private key: keep it secret";
	console.log(`# A new ${algorithm} signing key, kid ${keepJwk.kid}`);
	console.log("");
	console.log(`# wrangler.toml [vars]:  SIGNING_ALGORITHM = "${algorithm}"`);
	console.log(
		`# SIGNING_KEY (${secretKind}); for .dev.vars, or \`npx wrangler secret put SIGNING_KEY\`:`,
	);
	console.log(`SIGNING_KEY=${signingKey}`);
	console.log("");
	console.log(
		"# When this key is rotated out, add this JWK to the PREVIOUS_VERIFICATION_KEYS array",
	);
	console.log(
		algorithm === "HS256"
			? "# (it holds the secret too: store it as a secret)."
			: "# (it is public; /.well-known/jwks.json publishes it while the key is in use).",
	);
	console.log(JSON.stringify(keepJwk));
}
