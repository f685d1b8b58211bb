import {
	compileJsonPath,
	matchesOf,
	MAX_JSONPATH_LENGTH,
	queryJsonPath,
	type CompiledJsonPath,
} from '../lib/jsonPath';
import { repositoryFile } from './support/fixtures';

// The bundle jest's globalSetup builds exactly as `npm run build` does (gulpfile.js).
const BUNDLE_DIR = 'node_modules/.cache/jsonpath-plus-bundle';
const BUNDLE = `${BUNDLE_DIR}/jsonpath-plus.js`;

function compiled(path: string): CompiledJsonPath {
	const compilation = compileJsonPath(path);
	if (!compilation.ok) throw new Error(compilation.reason);
	return compilation.query;
}

describe('the jsonpath-plus bundle', () => {
	it('contains no vm, eval or Function constructor', () => {
		const code = repositoryFile(BUNDLE);
		expect(code).not.toMatch(/\bvm\b/);
		expect(code).not.toMatch(/\beval\(/);
		expect(code).not.toMatch(/new Function|\bFunction\(/);
		expect(code).toContain('only has eval: "safe"');
	});

	it('carries the licence of every package it bundles', () => {
		for (const name of ['jsonpath-plus', 'jsep', 'jsep-plugin-regex', 'jsep-plugin-assignment'])
			expect(repositoryFile(`${BUNDLE_DIR}/LICENSE.${name}`)).toContain(
				'Permission is hereby granted, free of charge',
			);
	});

	it('refuses eval: native, and evaluates filters in safe mode', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { JSONPath } = require(`../${BUNDLE}`) as {
			JSONPath: (options: object) => unknown;
		};
		const json = { tags: [{ name: 'VVIP' }, { name: 'new' }] };
		expect(() => JSONPath({ path: '$.tags[?(@.name)]', json, eval: 'native' })).toThrow(
			'This build of jsonpath-plus only has eval: "safe"',
		);
		expect(JSONPath({ path: "$.tags[?(@.name=='new')].name", json, eval: 'safe' })).toEqual([
			'new',
		]);
	});
});

describe('compileJsonPath', () => {
	it.each([
		['', 'it is empty'],
		['data.tags', 'it does not start with $'],
		['$.data.tags[0', '"]" is missing at the end'],
		["$.data.tags[?(@.name=='VVIP')", '"]" is missing at the end'],
		["$.data.tags[?(@.name=='VVIP'].name", '"]" at character 29 where ")" was expected'],
		['$.data.tags[0]]', '"]" at character 15 closes nothing'],
		["$.data.tags[?(@.name=='VVIP)].name", "the quote ' is never closed"],
		['$.data.tags[?(@.name==)].name', 'in [?(@.name==)]: Expected expression after =='],
		[
			'$.data.tags[?(@.name === "a" &&)]',
			'in [?(@.name === "a" &&)]: Expected expression after &&',
		],
	])('refuses %j: %s', (path, problem) => {
		expect(compileJsonPath(path)).toEqual({
			ok: false,
			reason: `"${path}" is not a valid JSONPath: ${problem}`,
		});
	});

	it(`refuses a path longer than ${MAX_JSONPATH_LENGTH} characters, quoting only its start`, () => {
		const longest = `$.${'a'.repeat(998)}`;
		expect(longest).toHaveLength(1000);
		expect(compileJsonPath(longest).ok).toBe(true);
		expect(compileJsonPath(`${longest}a`)).toEqual({
			ok: false,
			reason: `"$.${'a'.repeat(55)}..." is not a valid JSONPath: it is longer than 1000 characters`,
		});
	});

	it.each([
		"$.raw.data.tags[?(@.name=='VVIP')].name",
		'$..email',
		'$.data.tags[*].name',
		'$.data.tags[0:2]',
		"$['data']['tags'][0]['name']",
		'$.data.tags[(@.length-1)].name',
		'$.data.tags[?(@.name && @.name.match(/^v+ip$/i))].name',
		'$.data.tags[?(@.name == \'a)b\' || @.name == "c]d")]',
		'$.data.tags[?(@property == 0 && @parent.length > 1 && @root.event)]',
	])('accepts %s', (path) => {
		expect(compileJsonPath(path)).toEqual({ ok: true, query: { path } });
	});
});

describe('matchesOf', () => {
	it('skips the elements a filter fails on, such as null entries', () => {
		const json = { data: { tags: [null, { name: 'VVIP' }, { id: 'tag-without-name' }, 7] } };
		expect(matchesOf(compiled("$.data.tags[?(@.name=='VVIP')].name"), json)).toEqual(['VVIP']);
		expect(
			matchesOf(compiled("$.data.tags[?(@.name.toLowerCase() == 'vvip')].name"), json),
		).toEqual(['VVIP']);
		expect(matchesOf(compiled('$.data.tags[?(@.name())]'), json)).toEqual([]);
	});

	it('cannot change the value it reads', () => {
		const json = { data: { tags: [{ name: 'b' }, { name: 'a' }], ids: [3, 1, 2] } };
		const before = structuredClone(json);
		for (const path of [
			'$.data[?(@.reverse && @.reverse())]',
			'$..[?(@.splice && @.splice(0))]',
			"$.data.tags[?(@.name && @root.data.tags.push('x'))]",
			'$..[?(@.sort && @.sort())]',
			'$.data[?(@.fill && @.fill(null))]',
			"$.data.tags[?(@.name = 'changed')]",
		]) {
			matchesOf(compiled(path), json);
			expect(json).toEqual(before);
		}
	});

	it('reaches no constructor or prototype', () => {
		const json = { data: { tags: [{ name: 'VVIP' }] } };
		expect(matchesOf(compiled('$.data.tags[?(@.constructor)]'), json)).toEqual([]);
		expect(matchesOf(compiled("$.data.tags[?(@['__proto__'])]"), json)).toEqual([]);
		expect(
			matchesOf(compiled("$.data.tags[?(@.name.constructor.constructor('return 1')())]"), json),
		).toEqual([]);
	});

	it('answers no match, without throwing, for a value that is not JSON', () => {
		const cyclic: Record<string, unknown> = { name: 'VVIP' };
		cyclic.self = cyclic;
		expect(matchesOf(compiled('$.name'), cyclic)).toEqual([]);
		expect(matchesOf(compiled('$.name'), undefined)).toEqual([]);
	});
});

describe('queryJsonPath', () => {
	it('gives the matches, or the reason the path is invalid', () => {
		expect(queryJsonPath({ a: [1, 2] }, '$.a[*]')).toEqual({ ok: true, matches: [1, 2] });
		expect(queryJsonPath({ a: [1, 2] }, '$.a[')).toEqual({
			ok: false,
			reason: '"$.a[" is not a valid JSONPath: "]" is missing at the end',
		});
	});
});
