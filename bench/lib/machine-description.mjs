// What the report says about where it ran: the machine, its load, and the tools' versions.

import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function versionOf(repositoryRoot, packageName) {
	const manifest = path.join(repositoryRoot, "node_modules", packageName, "package.json");
	return JSON.parse(readFileSync(manifest, "utf8")).version;
}

/** One-minute load average now, as the report prints it. */
export function currentLoad() {
	return os.loadavg()[0].toFixed(2);
}

export function describeMachine(repositoryRoot, loadBefore) {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model.trim() ?? "unknown CPU",
		loadBefore,
		loadAfter: currentLoad(),
		node: process.version,
		miniflare: versionOf(repositoryRoot, "miniflare"),
		wrangler: versionOf(repositoryRoot, "wrangler"),
		autocannon: versionOf(repositoryRoot, "autocannon"),
	};
}
