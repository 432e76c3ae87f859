import { z } from "zod";

/**
 * A setting that holds JSON text, parsed and then validated by `schema`. Absent means
 * `fallback`. A parse failure reports `message`, never the text, which may be a secret.
 */
export function jsonSetting<Schema extends z.ZodType>(
	schema: Schema,
	fallback: string,
	message: string,
) {
	return z
		.string()
		.default(fallback)
		.transform((text, context) => {
			try {
				return JSON.parse(text) as unknown;
			} catch {
				context.addIssue({ code: "custom", message });
				return z.NEVER;
			}
		})
		.pipe(schema);
}
