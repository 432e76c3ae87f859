import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LocalStack {
	gatewayUrl: string;
	originUrl: string;
	gatewayPort: number;
	/** Process id of the start script; wrangler and workerd run below it. */
	pid: number;
	/** Everything both processes printed, for asserting what reached the logs. */
	output: () => string;
	stop: () => Promise<void>;
}

/** A port that was free a moment ago on loopback. */
async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() =>
				typeof address === "object" && address !== null
					? resolve(address.port)
					: reject(new Error("no port")),
			);
		});
	});
}

/**
 * Runs `npm start`'s script, exactly as a developer would, on free ports with its own KV folder,
 * and resolves once it reports that the gateway and the origin are ready.
 */
export async function startLocalStack(): Promise<LocalStack> {
	const gatewayPort = await freePort();
	let originPort = await freePort();
	while (originPort === gatewayPort) {
		originPort = await freePort();
	}
	const persistDir = await mkdtemp(join(tmpdir(), "jwt-edge-gateway-e2e-"));
	let output = "";
	const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
		cwd: process.cwd(),
		env: {
			...process.env,
			GATEWAY_PORT: String(gatewayPort),
			ORIGIN_PORT: String(originPort),
			PERSIST_DIR: persistDir,
		},
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	const collect = (chunk: Buffer) => {
		output += chunk.toString();
	};
	child.stdout?.on("data", collect);
	child.stderr?.on("data", collect);

	const stop = async () => {
		if (child.exitCode === null && child.pid !== undefined) {
			const exited = new Promise((resolve) => child.once("exit", resolve));
			process.kill(child.pid, "SIGTERM");
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
			if (child.exitCode === null) {
				process.kill(-child.pid, "SIGKILL");
			}
		}
		await rm(persistDir, { recursive: true, force: true });
	};

	await new Promise<void>((resolve, reject) => {
		const deadline = setTimeout(() => {
			reject(new Error(`the local stack did not become ready:\n${output}`));
		}, 150_000);
		const check = () => {
			if (output.includes("gateway ready on")) {
				clearTimeout(deadline);
				resolve();
			}
		};
		child.stdout?.on("data", check);
		child.stderr?.on("data", check);
		child.once("exit", (code) => {
			clearTimeout(deadline);
			reject(new Error(`the local stack exited with ${code}:\n${output}`));
		});
	}).catch(async (error) => {
		await stop();
		throw error;
	});

	return {
		gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
		originUrl: `http://127.0.0.1:${originPort}`,
		gatewayPort,
		pid: child.pid ?? 0,
		output: () => output,
		stop,
	};
}
