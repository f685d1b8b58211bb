import type { JSONPath as JsonPathFunction } from 'jsonpath-plus';

// jsonpath-plus is not shipped by n8n: the build copies its self-contained CommonJS file
// into dist/vendor (see gulpfile.js); tests map this path to node_modules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSONPath } = require('../vendor/jsonpath-plus/index-node-cjs.cjs') as {
	JSONPath: typeof JsonPathFunction;
};

export type JsonPathResult = { ok: true; matches: unknown[] } | { ok: false; reason: string };

/**
 * Every match of a JSONPath expression, evaluated in jsonpath-plus's safe mode: filter
 * expressions run in its own small interpreter, never through `eval` or `Function`.
 */
export function queryJsonPath(json: unknown, path: string): JsonPathResult {
	try {
		const matches = JSONPath({
			path,
			json: json as object,
			wrap: true,
			eval: 'safe',
			ignoreEvalErrors: false,
		}) as unknown[];
		return { ok: true, matches: Array.isArray(matches) ? matches : [] };
	} catch {
		return {
			ok: false,
			reason: `"${path.length > 60 ? `${path.slice(0, 57)}...` : path}" is not a JSONPath expression this node can evaluate`,
		};
	}
}
