import type { JSONPath as JsonPathFunction } from 'jsonpath-plus';

// jsonpath-plus is not shipped by n8n: the build bundles it, with safe evaluation only, into
// dist/vendor (see gulpfile.js); tests map this path to the same bundle (jest.config.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSONPath } = require('../vendor/jsonpath-plus/jsonpath-plus.js') as {
	JSONPath: typeof JsonPathFunction & {
		prototype: { safeVm: { Script: new (expression: string) => object } };
	};
};

/** A longer JSONPath expression is refused as invalid. */
export const MAX_JSONPATH_LENGTH = 1_000;

// jsonpath-plus keeps every path and filter it has parsed in one cache that never shrinks;
// paths set by expressions can differ per item, so it is emptied past this many entries.
const MAX_CACHED_PARSES = 1_000;

declare const checkedSyntax: unique symbol;

/** A JSONPath expression whose syntax compileJsonPath has checked. */
export type CompiledJsonPath = { readonly path: string; readonly [checkedSyntax]: true };

export type JsonPathCompilation =
	| { ok: true; query: CompiledJsonPath }
	| { ok: false; reason: string };

/**
 * Checks a JSONPath expression without evaluating it: the path itself, and every filter
 * (`[?(…)]`) and script (`[(…)]`) in it parsed the way jsonpath-plus's safe evaluator will.
 */
export function compileJsonPath(path: string): JsonPathCompilation {
	const problem = syntaxProblem(path);
	return problem === undefined
		? { ok: true, query: { path } as CompiledJsonPath }
		: { ok: false, reason: `"${shortened(path)}" is not a valid JSONPath: ${problem}` };
}

/**
 * Every match of a compiled JSONPath in a JSON value. Filters run in jsonpath-plus's safe
 * evaluator (no `eval`, no `Function`, no constructors or prototypes) on a copy of the value,
 * so a query cannot change the item it reads. A filter that fails on an element (e.g. `@.name`
 * of a null entry) does not match that element; the query itself never throws.
 */
export function matchesOf(query: CompiledJsonPath, json: unknown): unknown[] {
	if (Object.keys(JSONPath.cache).length > MAX_CACHED_PARSES) JSONPath.cache = {};
	try {
		const matches = JSONPath({
			path: query.path,
			json: JSON.parse(JSON.stringify(json ?? null)) as object,
			wrap: true,
			eval: 'safe',
			ignoreEvalErrors: true,
		}) as unknown;
		return Array.isArray(matches) ? matches : [];
	} catch {
		// The value cannot be read as JSON (a cycle) or a path step failed on it: nothing matches.
		return [];
	}
}

export type JsonPathResult = { ok: true; matches: unknown[] } | { ok: false; reason: string };

/** compileJsonPath, then matchesOf. */
export function queryJsonPath(json: unknown, path: string): JsonPathResult {
	const compiled = compileJsonPath(path);
	return compiled.ok ? { ok: true, matches: matchesOf(compiled.query, json) } : compiled;
}

function syntaxProblem(path: string): string | undefined {
	if (path.trim() === '') return 'it is empty';
	if (path.length > MAX_JSONPATH_LENGTH)
		return `it is longer than ${MAX_JSONPATH_LENGTH} characters`;
	if (!path.startsWith('$')) return 'it does not start with $';
	const unbalanced = unbalancedDelimiter(path);
	if (unbalanced) return unbalanced;
	for (const segment of JSONPath.toPathArray(path)) {
		const script = scriptOfSegment(segment);
		if (script === undefined) continue;
		try {
			new JSONPath.prototype.safeVm.Script(script);
		} catch (error) {
			// The parser counts characters in its rewritten script, not in what the user wrote.
			return `in [${segment}]: ${(error as Error).message.replace(/ at character \d+$/, '')}`;
		}
	}
	return undefined;
}

/** A bracket, parenthesis or quote left open or closed twice, outside quoted text. */
function unbalancedDelimiter(path: string): string | undefined {
	const open: string[] = [];
	const closing: Record<string, string> = { '[': ']', '(': ')' };
	let quote: string | undefined;
	for (let index = 0; index < path.length; index++) {
		const char = path[index];
		if (quote) {
			if (char === '\\') index++;
			else if (char === quote) quote = undefined;
		} else if (char === "'" || char === '"') {
			quote = char;
		} else if (char in closing) {
			open.push(closing[char]);
		} else if (char === ']' || char === ')') {
			const expected = open.pop();
			if (expected === undefined) return `"${char}" at character ${index + 1} closes nothing`;
			if (expected !== char)
				return `"${char}" at character ${index + 1} where "${expected}" was expected`;
		}
	}
	if (quote) return `the quote ${quote} is never closed`;
	if (open.length) return `"${open[open.length - 1]}" is missing at the end`;
	return undefined;
}

/**
 * The expression jsonpath-plus evaluates for a path segment: a filter `?(…)` or script `(…)`
 * with its `@` names replaced, as its `_trace` and `_eval` build it (jsonpath-plus 10).
 */
function scriptOfSegment(segment: string): string | undefined {
	let script: string;
	if (segment.startsWith('?(')) {
		const filter = segment.replace(/^\?\((.*?)\)$/u, '$1');
		const nestedFilter = /@.?([^?]*)[['](\??\(.*?\))(?!.\)\])[\]']/u.exec(filter);
		if (nestedFilter) return scriptOfSegment(nestedFilter[2]);
		script = filter;
	} else if (segment.startsWith('(')) {
		script = segment;
	} else {
		return undefined;
	}
	return script
		.replace(/@parentProperty/g, '_$_parentProperty')
		.replace(/@parent/g, '_$_parent')
		.replace(/@property/g, '_$_property')
		.replace(/@root/g, '_$_root')
		.replace(/@([.\s)[])/gu, '_$_v$1')
		.replace(/@path/g, '_$_path');
}

function shortened(path: string): string {
	return path.length > 60 ? `${path.slice(0, 57)}...` : path;
}
