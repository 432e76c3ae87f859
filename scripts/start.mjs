// `npm start`: runs the gateway and the example origin side by side with `wrangler dev`, waits
// until both answer HTTP, and stops both together. An end-to-end test runs this same script with
// its own GATEWAY_PORT, ORIGIN_PORT and PERSIST_DIR, so nothing here may assume the defaults.
//
// Settings (environment variables):
//   GATEWAY_PORT  port of the gateway on 127.0.0.1 (default 8787)
//   ORIGIN_PORT   port of the example origin on 127.0.0.1 (default 8788)
//   PERSIST_DIR   where local KV and other workerd state are kept (default .wrangler/state in
//                 the repository); the origin's own state goes to its example-origin folder

import { spawn } from "node:child_process";
import { copyFileSync, existsSync, constants as fsConstants, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const originDirectory = path.join(repositoryRoot, "examples", "origin");

// The script runs wrangler with the Node that runs the script itself rather than through the
// binary's `#!/usr/bin/env node` line, because the Node on the PATH may be older than wrangler
// supports.
const wranglerEntry = path.join(repositoryRoot, "node_modules", ".bin", "wrangler");

const loopbackAddress = "127.0.0.1";
const readinessTimeoutMs = 60_000;
const readinessPollIntervalMs = 250;
const readinessRequestTimeoutMs = 2_000;
// wrangler and workerd usually stop within two seconds; after this the script stops waiting.
const shutdownGraceMs = 10_000;

function fail(message) {
	console.error(`start: ${message}`);
	process.exit(1);
}

function readPort(variableName, defaultPort) {
	const text = process.env[variableName];
	if (text === undefined || text === "") {
		return defaultPort;
	}
	const port = Number(text);
	if (!/^[0-9]+$/.test(text) || port < 1 || port > 65_535) {
		fail(`${variableName} must be a port number between 1 and 65535, not "${text}"`);
	}
	return port;
}

/**
 * Copies the committed example settings on first start, because wrangler refuses to run the
 * gateway without its secrets. The copy never overwrites an existing `.dev.vars`, and its contents
 * are never printed: they are secrets once a developer has edited them.
 */
function ensureDevVars() {
	const devVarsPath = path.join(repositoryRoot, ".dev.vars");
	if (existsSync(devVarsPath)) {
		return;
	}
	const examplePath = path.join(repositoryRoot, ".dev.vars.example");
	if (!existsSync(examplePath)) {
		fail(".dev.vars is missing and there is no .dev.vars.example to create it from");
	}
	try {
		copyFileSync(examplePath, devVarsPath, fsConstants.COPYFILE_EXCL);
		console.log("start: created .dev.vars from .dev.vars.example (local development values)");
	} catch (error) {
		// Another start that runs at the same moment may have created it first, which is fine.
		if (error.code !== "EEXIST") {
			throw error;
		}
	}
}

/**
 * Reads the secret that the gateway signs its origin assertions with, so that the example origin
 * can verify them with the same value: one `.dev.vars` holds it for both. A `.dev.vars` created
 * before the setting existed lacks it, and the gateway would refuse every request, so the start
 * stops here with the fix instead.
 */
function readOriginAssertionSecret() {
	const devVars = parseEnv(readFileSync(path.join(repositoryRoot, ".dev.vars"), "utf8"));
	const secret = devVars.ORIGIN_ASSERTION_SECRET;
	if (secret === undefined || secret === "") {
		fail(
			".dev.vars has no ORIGIN_ASSERTION_SECRET; copy its line from .dev.vars.example " +
				"(or delete .dev.vars to have it created again)",
		);
	}
	return secret;
}

function listen(server, port) {
	return new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, loopbackAddress, () => resolve(server));
	});
}

function close(server) {
	return new Promise((resolve) => server.close(() => resolve()));
}

async function listenOrFail(port, variableName) {
	try {
		return await listen(createServer(), port);
	} catch (error) {
		if (error.code === "EADDRINUSE") {
			fail(
				`port ${port} on ${loopbackAddress} is already in use; choose another with ${variableName}`,
			);
		}
		throw error;
	}
}

/**
 * Checks that the two service ports are free and picks two more for the devtools inspectors.
 *
 * A taken service port fails the start at once; otherwise whatever already listens there would
 * answer the readiness check, and the script would announce a gateway that is not ours.
 *
 * The inspector ports come from the operating system. Left to itself, each wrangler would try 9229
 * first, and two of them starting at once could both pick it. Every listener stays open until all
 * four ports are known, so the inspector ports differ from each other and from the service ports.
 */
async function checkPortsAndPickInspectorPorts(gatewayPort, originPort) {
	const servers = [];
	try {
		servers.push(await listenOrFail(gatewayPort, "GATEWAY_PORT"));
		servers.push(await listenOrFail(originPort, "ORIGIN_PORT"));
		const gatewayInspector = await listen(createServer(), 0);
		servers.push(gatewayInspector);
		const originInspector = await listen(createServer(), 0);
		servers.push(originInspector);
		return {
			gatewayInspectorPort: gatewayInspector.address().port,
			originInspectorPort: originInspector.address().port,
		};
	} finally {
		await Promise.all(servers.map(close));
	}
}

/** Prints each line of a child's output with a label, so the two logs stay apart. */
function forwardLines(stream, label, destination) {
	createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
		destination.write(`[${label}] ${line}\n`);
	});
}

/**
 * Starts one `wrangler dev` in its own process group (`detached`), so that stopping it reaches
 * wrangler's own Node child and both workerd processes too. Its own group also keeps a terminal's
 * Ctrl-C from reaching it directly; the script forwards the stop itself, exactly once.
 */
function startWrangler(label, workingDirectory, wranglerArguments, extraEnvironment = {}) {
	const child = spawn(process.execPath, [wranglerEntry, "dev", ...wranglerArguments], {
		cwd: workingDirectory,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
		env: {
			...process.env,
			...extraEnvironment,
			// Keeps wrangler's colours when a developer watches in a terminal; piped output would
			// otherwise lose them.
			...(process.stdout.isTTY && process.env.NO_COLOR === undefined ? { FORCE_COLOR: "1" } : {}),
		},
	});
	forwardLines(child.stdout, label, process.stdout);
	forwardLines(child.stderr, label, process.stderr);
	const service = { label, child, exited: undefined, hasExited: false };
	service.exited = new Promise((resolve) => {
		child.once("exit", (code, signal) => {
			service.hasExited = true;
			resolve({ code, signal });
		});
		// A child that could not be started at all emits "error" and may never emit "exit".
		child.once("error", (error) => {
			console.error(`start: could not run wrangler for the ${label}: ${error.message}`);
			service.hasExited = true;
			resolve({ code: 1, signal: null });
		});
	});
	return service;
}

function signalGroup(service, signal) {
	try {
		process.kill(-service.child.pid, signal);
	} catch (error) {
		// ESRCH: every process of the group has already exited.
		if (error.code !== "ESRCH") {
			throw error;
		}
	}
}

/**
 * Stops a service. SIGTERM goes to wrangler alone, which then shuts its workerd processes down in
 * order; signalling the whole group at once would kill workerd under wrangler's feet and make it
 * report errors such as EPIPE. Once wrangler has exited, or the grace period is over, SIGKILL goes
 * to the whole group so that no workerd outlives the script.
 */
async function stopService(service) {
	if (service.child.pid === undefined) {
		return;
	}
	if (!service.hasExited) {
		service.child.kill("SIGTERM");
		let graceTimer;
		const graceOver = new Promise((resolve) => {
			graceTimer = setTimeout(resolve, shutdownGraceMs);
		});
		await Promise.race([service.exited, graceOver]);
		clearTimeout(graceTimer);
	}
	signalGroup(service, "SIGKILL");
}

function sleep(milliseconds) {
	return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Polls until the service answers HTTP at all: any status counts, since the gateway may well answer
 * "/" with 401 or 404. Returns false when the service exits or the deadline passes first.
 */
async function waitUntilAnswering(service, url, deadline) {
	while (Date.now() < deadline && !service.hasExited) {
		try {
			const response = await fetch(url, {
				signal: AbortSignal.timeout(readinessRequestTimeoutMs),
			});
			await response.body?.cancel();
			return true;
		} catch {
			await sleep(readinessPollIntervalMs);
		}
	}
	return false;
}

function exitCodeOf({ code, signal }) {
	if (code !== null) {
		return code;
	}
	return signal === null ? 1 : 128 + (osConstants.signals[signal] ?? 0);
}

async function main() {
	// Settings come from the environment and `.dev.vars`; an argument would be silently lost.
	if (process.argv.length > 2) {
		fail(
			"npm start takes no arguments; set GATEWAY_PORT, ORIGIN_PORT or PERSIST_DIR, or edit .dev.vars",
		);
	}
	const gatewayPort = readPort("GATEWAY_PORT", 8787);
	const originPort = readPort("ORIGIN_PORT", 8788);
	if (gatewayPort === originPort) {
		fail(`GATEWAY_PORT and ORIGIN_PORT must differ (both are ${gatewayPort})`);
	}
	const persistDirectory = process.env.PERSIST_DIR
		? path.resolve(process.env.PERSIST_DIR)
		: path.join(repositoryRoot, ".wrangler", "state");

	ensureDevVars();
	const originAssertionSecret = readOriginAssertionSecret();
	const { gatewayInspectorPort, originInspectorPort } = await checkPortsAndPickInspectorPorts(
		gatewayPort,
		originPort,
	);

	const gatewayUrl = `http://${loopbackAddress}:${gatewayPort}`;
	const originUrl = `http://${loopbackAddress}:${originPort}`;
	// Flags both services share: listen on loopback only, never wait for keyboard input (the
	// script owns the terminal), and never reach for remote Cloudflare resources.
	const commonFlags = ["--ip", loopbackAddress, "--show-interactive-dev-session=false", "--local"];

	// The origin runs from its own folder because wrangler compares the types file in the working
	// directory with the configuration it runs; from the repository root it would find the
	// gateway's worker-configuration.d.ts and wrongly warn that the types are out of date.
	// The origin declares ORIGIN_ASSERTION_SECRET as a required secret, which wrangler dev takes
	// from the environment when the origin's folder has no .dev.vars of its own.
	const origin = startWrangler(
		"origin",
		originDirectory,
		[
			"--config",
			path.join(originDirectory, "wrangler.toml"),
			...commonFlags,
			"--port",
			String(originPort),
			"--inspector-port",
			String(originInspectorPort),
			// The origin keeps no data, but its workerd still writes a cache; keeping that under
			// the same directory lets a test that uses a temporary PERSIST_DIR leave nothing behind.
			"--persist-to",
			path.join(persistDirectory, "example-origin"),
			"--var",
			`ASSERTION_AUDIENCE:${originUrl}`,
		],
		{ ORIGIN_ASSERTION_SECRET: originAssertionSecret },
	);
	const gateway = startWrangler("gateway", repositoryRoot, [
		...commonFlags,
		"--port",
		String(gatewayPort),
		"--inspector-port",
		String(gatewayInspectorPort),
		"--persist-to",
		persistDirectory,
		"--var",
		`UPSTREAM_URL:${originUrl}`,
	]);
	const services = [origin, gateway];

	let stopping = false;
	async function stopAllAndExit(exitCode) {
		if (stopping) {
			return;
		}
		stopping = true;
		await Promise.all(services.map(stopService));
		process.exit(exitCode);
	}

	// A last resort if the script dies unexpectedly: `exit` handlers must be synchronous, so this
	// only sends SIGKILL, which is enough to leave no wrangler or workerd behind.
	process.on("exit", () => {
		for (const service of services) {
			if (service.child.pid !== undefined) {
				signalGroup(service, "SIGKILL");
			}
		}
	});

	for (const signal of ["SIGINT", "SIGTERM"]) {
		// Repeated signals are ignored rather than taken as "stop harder": under `npm start` a
		// single Ctrl-C arrives twice, once from the terminal and once forwarded by npm.
		process.on(signal, () => {
			if (stopping) {
				return;
			}
			console.log(`start: ${signal} received, stopping the gateway and the origin`);
			void stopAllAndExit(0);
		});
	}

	let ready = false;
	for (const service of services) {
		void service.exited.then((result) => {
			if (stopping) {
				return;
			}
			const other = services.find((candidate) => candidate !== service);
			const how = result.signal === null ? `with code ${result.code}` : `on ${result.signal}`;
			console.error(`start: the ${service.label} exited ${how}; stopping the ${other?.label}`);
			// Before the services were ready any exit is a failure to start, even with code 0.
			const exitCode = exitCodeOf(result);
			void stopAllAndExit(ready || exitCode !== 0 ? exitCode : 1);
		});
	}

	const deadline = Date.now() + readinessTimeoutMs;
	const [originAnswers, gatewayAnswers] = await Promise.all([
		waitUntilAnswering(origin, `${originUrl}/public/hello`, deadline),
		waitUntilAnswering(gateway, `${gatewayUrl}/`, deadline),
	]);
	if (stopping) {
		return;
	}
	if (!originAnswers || !gatewayAnswers) {
		const late = [!originAnswers && "origin", !gatewayAnswers && "gateway"].filter(Boolean);
		console.error(
			`start: the ${late.join(" and the ")} did not answer within ${readinessTimeoutMs / 1000} s`,
		);
		await stopAllAndExit(1);
		return;
	}
	ready = true;
	console.log(
		`start: devtools inspector ports: gateway ${gatewayInspectorPort}, origin ${originInspectorPort}`,
	);
	const misconfiguration = await misconfigurationOf(gatewayUrl);
	if (misconfiguration !== undefined) {
		console.error(
			`start: the gateway runs on ${gatewayUrl} but refuses every request with 503 ` +
				`gateway_misconfigured: ${misconfiguration.replace(/\.?$/, ".")} ` +
				"Fix .dev.vars, then start again.",
		);
		return;
	}
	console.log(`gateway ready on ${gatewayUrl} (origin ${originUrl})`);
}

/**
 * What the gateway says is wrong with its settings, or undefined when it serves: a gateway with a
 * bad setting still answers HTTP, with 503 `gateway_misconfigured` to every request.
 */
async function misconfigurationOf(gatewayUrl) {
	try {
		const response = await fetch(`${gatewayUrl}/.well-known/jwks.json`, {
			signal: AbortSignal.timeout(readinessRequestTimeoutMs),
		});
		const body = await response.json().catch(() => ({}));
		return body.error === "gateway_misconfigured" ? body.error_description : undefined;
	} catch {
		return undefined;
	}
}

main().catch((error) => {
	console.error(`start: ${error.stack ?? error}`);
	process.exit(1);
});
