import { readdirSync, readFileSync } from "node:fs";

interface ProcessEntry {
	pid: number;
	parentPid: number;
	commandLine: string;
}

/** Resident memory of one process, in KiB: now, and the highest it has been (VmHWM). */
export interface MemoryReading {
	pid: number;
	residentKiB: number;
	peakResidentKiB: number;
}

function processes(): ProcessEntry[] {
	const entries: ProcessEntry[] = [];
	for (const name of readdirSync("/proc")) {
		if (!/^\d+$/.test(name)) {
			continue;
		}
		try {
			const stat = readFileSync(`/proc/${name}/stat`, "utf8");
			// The command name in parentheses may hold spaces; the parent pid is the second field
			// after the closing parenthesis.
			const parentPid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
			const commandLine = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ");
			entries.push({ pid: Number(name), parentPid, commandLine });
		} catch {
			// The process ended while the list was read.
		}
	}
	return entries;
}

function descendantsOf(pid: number, all: ProcessEntry[]): ProcessEntry[] {
	return all
		.filter((entry) => entry.parentPid === pid)
		.flatMap((child) => [child, ...descendantsOf(child.pid, all)]);
}

function statusField(status: string, field: string): number {
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
	return Number(match?.[1] ?? Number.NaN);
}

/**
 * The workerd processes that serve the gateway: those below the wrangler started with
 * `--port <gatewayPort>` under the start script (wrangler dev runs a proxy workerd and the
 * worker's own). Linux only: it reads /proc.
 */
export function gatewayWorkerdPids(startScriptPid: number, gatewayPort: number): number[] {
	const all = processes();
	const wrangler = descendantsOf(startScriptPid, all).find((entry) =>
		entry.commandLine.includes(`--port ${gatewayPort} `),
	);
	if (wrangler === undefined) {
		return [];
	}
	return descendantsOf(wrangler.pid, all)
		.filter((entry) => entry.commandLine.includes("workerd serve"))
		.map((entry) => entry.pid);
}

export function readMemory(pid: number): MemoryReading {
	const status = readFileSync(`/proc/${pid}/status`, "utf8");
	return {
		pid,
		residentKiB: statusField(status, "VmRSS"),
		peakResidentKiB: statusField(status, "VmHWM"),
	};
}
