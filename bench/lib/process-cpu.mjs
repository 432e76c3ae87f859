// CPU time of other processes (the workerd processes that Miniflare starts), read from Linux's
// /proc. Elsewhere the figures are simply absent: the benchmark still runs and reports ratios.

import { readdirSync, readFileSync } from "node:fs";

// USER_HZ: the unit of the CPU times in /proc/<pid>/stat. Linux has fixed it at 100 for user
// space on every architecture, whatever the kernel's internal tick rate.
const CLOCK_TICKS_PER_SECOND = 100;

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(pid) {
	const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
	return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Whether per-process CPU accounting is available here. */
export function canMeasureProcessCpu() {
	try {
		statFields(process.pid);
		return true;
	} catch {
		return false;
	}
}

/** User plus system CPU time of a process so far, in milliseconds; undefined if unknown. */
export function processCpuMilliseconds(pid) {
	if (pid === undefined) {
		return undefined;
	}
	try {
		const fields = statFields(pid);
		// After the command name: state, ppid, ..., utime is field 14 and stime 15 of the full
		// line, so indexes 11 and 12 here.
		const ticks = Number(fields[11]) + Number(fields[12]);
		return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
	} catch {
		return undefined;
	}
}

/** The ids of this process's direct children whose command is `name` (e.g. "workerd"). */
export function childProcessIds(name) {
	let entries;
	try {
		entries = readdirSync("/proc");
	} catch {
		return [];
	}
	const children = [];
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
			const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
			const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
			if (parent === process.pid && command === name) {
				children.push(Number(entry));
			}
		} catch {
			// The process ended while the list was read; it is not one of ours anymore.
		}
	}
	return children;
}
