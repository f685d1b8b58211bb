/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only: sizes and run counts come from process.env, figures are written to process.stdout */
import fc from 'fast-check';
import { deepCopy, type INodeType } from 'n8n-workflow';

import { providerFixtures } from '../support/fixtures';
import { deliver } from '../support/runTrigger';
import { TRIGGER_NODES } from '../support/triggerNodes';

/**
 * Fuzzing with sizes, not only shapes: one request each, holding a list of up to a million
 * elements (at the top or inside a documented field), nesting up to ten thousand levels,
 * strings of megabytes, objects with a million keys. `npm test` runs small sizes;
 * `npm run fuzz` (FUZZ_SIZES=large, with --expose-gc) runs the large ones and checks the
 * time and memory bounds written in the README ("Limits").
 */
const LARGE = process.env.FUZZ_SIZES === 'large';
const RUNS = Number(process.env.FUZZ_SIZE_RUNS) || (LARGE ? 40 : 6);
const SIZES = LARGE
	? {
			elements: [100_000, 1_000_000],
			depth: [1_000, 10_000],
			string: [1_000_000, 10_000_000],
			keys: [100_000, 1_000_000],
			batchList: [100, 3_000],
		}
	: {
			elements: [1_000, 20_000],
			depth: [150, 2_000],
			string: [10_000, 100_000],
			keys: [1_000, 10_000],
			batchList: [10, 100],
		};

/**
 * The bounds the README states for one delivery through a trigger (n8n's WebhookContext and
 * the engine, on one core): time and the heap kept by its items grow with the body's size and
 * with its number of envelopes, which the 2,000-event cap bounds.
 */
const BOUNDS = {
	msBase: 500,
	msPerEnvelope: 2,
	msPerMb: 1_500,
	retainedBase: 8_000_000,
	retainedPerEnvelope: 8_000,
	retainedPerBodyByte: 80,
};
const MAX_EVENTS = 2000;

const triggers: Record<string, INodeType> = TRIGGER_NODES;
const fixtures = Object.keys(triggers).flatMap((provider) =>
	providerFixtures(provider as never).map(({ envelope }) => ({ provider, envelope })),
);

type Filler =
	| { kind: 'list'; length: number; element: string }
	| { kind: 'deep'; depth: number; bracket: 'array' | 'object' }
	| { kind: 'string'; length: number }
	| { kind: 'keys'; count: number };

/** The JSON text of a filler, built as text: a value this deep cannot go through JSON.stringify. */
function fillerText(filler: Filler): string {
	switch (filler.kind) {
		case 'list':
			return `[${new Array<string>(filler.length).fill(filler.element).join(',')}]`;
		case 'deep':
			return filler.bracket === 'array'
				? `${'['.repeat(filler.depth)}1${']'.repeat(filler.depth)}`
				: `${'{"a":'.repeat(filler.depth)}1${'}'.repeat(filler.depth)}`;
		case 'string':
			return `"${'é'.repeat(filler.length / 2)}"`;
		case 'keys': {
			const members = new Array<string>(filler.count);
			for (let index = 0; index < filler.count; index++) members[index] = `"k${index}":${index}`;
			return `{${members.join(',')}}`;
		}
	}
}

const between = ([min, max]: number[]) => fc.integer({ min, max });
const filler: fc.Arbitrary<Filler> = fc.oneof(
	fc.record({
		kind: fc.constant('list' as const),
		length: between(SIZES.elements),
		element: fc.constantFrom('7', 'null', '{}', '"x"', '[]', '{"name":"VVIP"}', '{"email":1}'),
	}),
	fc.record({
		kind: fc.constant('deep' as const),
		depth: between(SIZES.depth),
		bracket: fc.constantFrom('array' as const, 'object' as const),
	}),
	fc.record({ kind: fc.constant('string' as const), length: between(SIZES.string) }),
	fc.record({ kind: fc.constant('keys' as const), count: between(SIZES.keys) }),
);

/** Where the filler goes: a top-level list of envelopes, or a field of a documented envelope. */
type Placement =
	| { at: 'top'; length: number; element: string }
	| { at: 'batch'; count: number; length: number }
	| { at: 'field'; fixture: number; path: number[]; filler: Filler };

const placement: fc.Arbitrary<Placement> = fc.oneof(
	fc.record({
		at: fc.constant('top' as const),
		length: fc.oneof(between(SIZES.elements), fc.integer({ min: 1, max: MAX_EVENTS + 5 })),
		element: fc.constantFrom('{}', '1', 'null', '{"event":"x"}'),
	}),
	// Many envelopes, each with long lists of malformed entries where K-LINK documents lists:
	// the shape that once made a 24 KB gzip body take 85 s (schema issues for every element).
	fc
		.record({
			at: fc.constant('batch' as const),
			count: fc.integer({ min: 1, max: MAX_EVENTS }),
			length: between(SIZES.batchList),
		})
		// Under n8n's 16 MiB body limit: at most this many list entries in all.
		.map((batch) => ({
			...batch,
			count: Math.max(
				1,
				Math.min(batch.count, Math.floor((LARGE ? 1_500_000 : 50_000) / batch.length)),
			),
		})),
	fc.record({
		at: fc.constant('field' as const),
		fixture: fc.nat({ max: fixtures.length - 1 }),
		path: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
		filler,
	}),
);

const contactCreate = fixtures.find(
	({ provider, envelope }) =>
		provider === 'klink' && (envelope as { event?: string }).event === 'contact.create',
)!.envelope as { data: Record<string, unknown> };

function bodyOf(plan: Placement): string {
	switch (plan.at) {
		case 'top':
			return `[${new Array<string>(plan.length).fill(plan.element).join(',')}]`;
		case 'batch': {
			const list = fillerText({ kind: 'list', length: plan.length, element: '{}' });
			const envelope = JSON.stringify({
				...contactCreate,
				data: { ...contactCreate.data, tags: 'L', contactEmails: 'L', contactPhones: 'L' },
			})
				.split('"L"')
				.join(list);
			return `[${new Array<string>(plan.count).fill(envelope).join(',')}]`;
		}
		case 'field':
			return envelopeWithFiller(
				fixtures[plan.fixture].envelope,
				plan.path,
				fillerText(plan.filler),
			);
	}
}

/** A documented envelope with one of its fields (chosen by `path`) replaced by the filler. */
function envelopeWithFiller(envelope: unknown, path: number[], text: string): string {
	const copy = structuredClone(envelope) as Record<string, unknown>;
	let parent: Record<string, unknown> = copy;
	for (const [depth, choice] of path.entries()) {
		const keys = Object.keys(parent);
		const key = keys[choice % keys.length];
		const child = parent[key];
		const last = depth === path.length - 1;
		if (last || typeof child !== 'object' || child === null || Array.isArray(child)) {
			parent[key] = '\u0000FILLER\u0000';
			break;
		}
		parent = child as Record<string, unknown>;
	}
	return JSON.stringify(copy).replace('"\\u0000FILLER\\u0000"', text);
}

const measured = {
	deliveries: 0,
	largestBody: 0,
	worstMs: 0,
	worstMsPerMb: 0,
	/** The largest share of its bound a delivery used. */
	worstTimeShare: 0,
	worstRetainedShare: 0,
};
const gc = (globalThis as { gc?: () => void }).gc;

afterAll(() => {
	process.stdout.write(
		`\nSize fuzzing (${LARGE ? 'large' : 'small'} sizes, ${measured.deliveries} deliveries): ` +
			`largest body ${(measured.largestBody / 1e6).toFixed(1)} MB, slowest ${measured.worstMs.toFixed(0)} ms, ` +
			`worst ${measured.worstMsPerMb.toFixed(0)} ms per MB (bodies over 1 MB); at most ` +
			`${(100 * measured.worstTimeShare).toFixed(0)} % of the time bound and ` +
			`${gc ? `${(100 * measured.worstRetainedShare).toFixed(0)} %` : 'unmeasured (no --expose-gc)'} of the memory bound\n`,
	);
});

describe('fuzzing with sizes: one oversized or overdeep request each', () => {
	it(
		'answers 200 with one item per envelope, or 413 exactly above the cap; every item survives JSON and deepCopy; time and memory stay bounded by the body size',
		async () => {
			await fc.assert(
				fc.asyncProperty(
					placement,
					fc.constantFrom(...Object.keys(triggers)),
					async (plan, provider) => {
						const trigger =
							plan.at === 'field'
								? fixtures[plan.fixture].provider
								: plan.at === 'batch'
									? 'klink'
									: provider;
						const body = bodyOf(plan);
						const envelopes =
							plan.at === 'field' ? 1 : plan.at === 'top' ? plan.length : plan.count;
						const bytes = Buffer.byteLength(body);

						gc?.();
						const heapBefore = process.memoryUsage().heapUsed;
						const started = performance.now();
						const run = await deliver(
							triggers[trigger],
							{ parameters: { authentication: 'none', autoRegister: false } },
							{ body },
						);
						const elapsed = performance.now() - started;

						if (envelopes > MAX_EVENTS) {
							expect(run).toMatchObject({ status: 413, items: null });
						} else {
							expect(run.status).toBe(200);
							expect(run.body).toEqual({
								status: 'accepted',
								received: envelopes,
								emitted: envelopes,
							});
							for (const item of run.items!) {
								const serialized = JSON.stringify(item);
								expect(JSON.stringify(deepCopy(item))).toBe(serialized);
							}
						}
						gc?.();
						const retained = process.memoryUsage().heapUsed - heapBefore;

						const megabytes = bytes / 1e6;
						// Above the cap nothing is read past the count: no per-envelope work to allow for.
						const read = envelopes > MAX_EVENTS ? 0 : envelopes;
						const timeBound =
							BOUNDS.msBase + BOUNDS.msPerEnvelope * read + BOUNDS.msPerMb * megabytes;
						const memoryBound =
							BOUNDS.retainedBase +
							BOUNDS.retainedPerEnvelope * read +
							BOUNDS.retainedPerBodyByte * bytes;
						measured.deliveries++;
						if (LARGE)
							process.stdout.write(
								`${plan.at === 'field' ? `${plan.filler.kind} ${JSON.stringify(plan.filler)}` : `${plan.at} ${plan.at === 'batch' ? `${plan.count}×${plan.length}` : plan.length}`}: ` +
									`${megabytes.toFixed(2)} MB, ${elapsed.toFixed(0)} ms (bound ${timeBound.toFixed(0)}), ` +
									`retained ${(retained / 1e6).toFixed(1)} MB (bound ${(memoryBound / 1e6).toFixed(1)})\n`,
							);
						measured.largestBody = Math.max(measured.largestBody, bytes);
						measured.worstMs = Math.max(measured.worstMs, elapsed);
						if (megabytes >= 1)
							measured.worstMsPerMb = Math.max(measured.worstMsPerMb, elapsed / megabytes);
						measured.worstTimeShare = Math.max(measured.worstTimeShare, elapsed / timeBound);
						if (gc)
							measured.worstRetainedShare = Math.max(
								measured.worstRetainedShare,
								retained / memoryBound,
							);
						// Time and memory are bounds against abuse, checked on the large sizes only (npm run
						// fuzz): the small run in npm test shares the machine with everything else.
						if (LARGE) {
							expect(elapsed).toBeLessThan(timeBound);
							if (gc) expect(retained).toBeLessThan(memoryBound);
						}
					},
				),
				{ numRuns: RUNS },
			);
		},
		LARGE ? 3_600_000 : 60_000,
	);
});
