// Samples where a worker spends its CPU while it is under load, through workerd's V8 inspector
// (the Chrome DevTools protocol), and sums the samples by the module they fall in. Bundles
// built by wrangler mark each module with a `// <path>` comment line, which is how a sample's
// line number is mapped back to a source file.

import { readFileSync } from "node:fs";
import path from "node:path";
import { InspectorSession } from "./inspector-session.mjs";

const SAMPLING_INTERVAL_MICROSECONDS = 100;

/** Line ranges of the modules inside a wrangler bundle: [{ firstLine, module }], by line. */
function bundleModuleMap(bundlePath) {
	const lines = readFileSync(bundlePath, "utf8").split("\n");
	const starts = [];
	lines.forEach((line, index) => {
		const marker = /^\/\/ ((?:\.\.\/)*[\w@.-]+\/[\w@./-]+\.[cm]?[jt]s)$/.exec(line);
		if (marker !== null) {
			// Dependencies may sit in a node_modules folder outside the repository (../x/...).
			const module = marker[1].replace(/^(\.\.\/)+[\w.-]+\/node_modules\//, "node_modules/");
			starts.push({ firstLine: index, module });
		}
	});
	return starts;
}

function moduleAt(starts, lineNumber) {
	let low = 0;
	let high = starts.length - 1;
	let found = "(bundle prelude)";
	while (low <= high) {
		const middle = (low + high) >>> 1;
		if (starts[middle].firstLine <= lineNumber) {
			found = starts[middle].module;
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}
	return found;
}

/** A module path shortened to what a reader needs: `jose`, `hono`, `src/tokens/verify.ts`. */
function groupOf(module) {
	const dependency = /^node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//.exec(module);
	return dependency === null ? module : dependency[1];
}

/**
 * Profiles `workerName` while `underLoad()` runs, and returns its busy time (idle samples are
 * left out) and, sorted by time, the self time of each module group and of each function:
 * `{ busyMicroseconds, groups: [{ name, microseconds, share }], functions: [...] }`.
 */
export async function profileWorker({ inspectorUrl, workerName, bundlePath, underLoad }) {
	const session = await InspectorSession.forWorker(inspectorUrl, workerName);
	try {
		await session.send("Profiler.enable");
		await session.send("Profiler.setSamplingInterval", {
			interval: SAMPLING_INTERVAL_MICROSECONDS,
		});
		await session.send("Profiler.start");
		await underLoad();
		const { profile } = await session.send("Profiler.stop");
		return summariseProfile(profile, bundleModuleMap(bundlePath), path.basename(bundlePath));
	} finally {
		session.close();
	}
}

function summariseProfile(profile, moduleStarts, bundleName) {
	const parentOf = new Map();
	for (const node of profile.nodes) {
		for (const child of node.children ?? []) {
			parentOf.set(child, node);
		}
	}
	const nodesById = new Map(profile.nodes.map((node) => [node.id, node]));
	const inBundle = (node) => node.callFrame.url?.endsWith(bundleName) ?? false;
	const groupOfNode = (node) => {
		if (inBundle(node)) {
			return groupOf(moduleAt(moduleStarts, node.callFrame.lineNumber));
		}
		if (node.callFrame.functionName.startsWith("(")) {
			// (program), (garbage collector), (idle), (root).
			return node.callFrame.functionName;
		}
		// Runtime code (a built-in such as crypto, console, Headers, or workerd's own JavaScript)
		// is counted with the bundle module that called into it, under the API's name.
		let entry = node;
		let caller = parentOf.get(node.id);
		while (
			caller !== undefined &&
			!inBundle(caller) &&
			caller.callFrame.functionName !== "(root)"
		) {
			entry = caller;
			caller = parentOf.get(caller.id);
		}
		const callerGroup =
			caller !== undefined && inBundle(caller) ? groupOfNode(caller) : "(runtime)";
		return `${callerGroup} › ${entry.callFrame.functionName || "(anonymous)"}()`;
	};

	// The same sample counted by function: a bundle function by its name and module, a built-in
	// under the module and name it is counted with.
	const functionOfNode = (node) => {
		const group = groupOfNode(node);
		if (!inBundle(node)) {
			return group;
		}
		return `${node.callFrame.functionName || "(anonymous)"} (${group})`;
	};

	// Each sample stands for the time since the previous one (timeDeltas, in microseconds).
	const microsecondsByGroup = new Map();
	const microsecondsByFunction = new Map();
	let busyMicroseconds = 0;
	profile.samples.forEach((nodeId, index) => {
		const node = nodesById.get(nodeId);
		const group = node === undefined ? "(unknown)" : groupOfNode(node);
		if (group === "(idle)") {
			return;
		}
		const microseconds = profile.timeDeltas[index] ?? 0;
		busyMicroseconds += microseconds;
		microsecondsByGroup.set(group, (microsecondsByGroup.get(group) ?? 0) + microseconds);
		const name = node === undefined ? group : functionOfNode(node);
		microsecondsByFunction.set(name, (microsecondsByFunction.get(name) ?? 0) + microseconds);
	});
	const ranked = (byName) =>
		[...byName]
			.map(([name, microseconds]) => ({
				name,
				microseconds,
				share: microseconds / busyMicroseconds,
			}))
			.sort((left, right) => right.microseconds - left.microseconds);
	return {
		busyMicroseconds,
		groups: ranked(microsecondsByGroup),
		functions: ranked(microsecondsByFunction),
	};
}
