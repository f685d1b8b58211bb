import fc from 'fast-check';

/**
 * Generators of hostile webhook deliveries for the fuzz tests. A generated value is a plan
 * (small, readable when fast-check prints a counterexample); `buildBody` turns it into the
 * bytes that are sent.
 */

type JsonRecord = Record<string, unknown>;

/** Keys that would reach a prototype if a reader assigned or looked them up carelessly. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Set on a prototype only if some code assigned through a prototype key. */
export const POLLUTION_FLAG = 'polluted';

/** Field names that hold personal data in the providers' payloads (names, phone numbers, e-mails, texts). */
const PERSONAL_FIELD = /name|phone|email|mail|message|content|body|text|cpf|birth|label/i;
const PERSONAL_FIELD_NAMES = [
	'name',
	'phone',
	'email',
	'text',
	'content',
	'body',
	'message',
	'consumer_name',
	'phoneNumber',
	'cpf',
];

function isRecord(value: unknown): value is JsonRecord {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own, enumerable property, even `__proto__` (an assignment would set the prototype instead). */
export function setOwn(target: JsonRecord, key: string, value: unknown): void {
	Object.defineProperty(target, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

/** A deep copy through JSON, which keeps an own `__proto__` key an own key. */
export function cloneJson<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Replaces every string below the envelope's top level whose field names personal data by
 * the marker: the top level is left alone, since it holds the event name, which error texts
 * may quote by design.
 */
export function plantPersonalData(envelope: unknown, marker: string): unknown {
	const copy = cloneJson(envelope);
	const visit = (value: unknown, depth: number) => {
		if (Array.isArray(value)) {
			value.forEach((entry) => visit(entry, depth + 1));
		} else if (isRecord(value)) {
			for (const key of Object.keys(value)) {
				if (depth >= 1 && typeof value[key] === 'string' && PERSONAL_FIELD.test(key)) {
					setOwn(value, key, `${marker} ${key}`);
				} else {
					visit(value[key], depth + 1);
				}
			}
		}
	};
	visit(copy, 0);
	return copy;
}

// ---------------------------------------------------------------------------------------
// Structural mutations of a JSON envelope

export type StructuralMutation =
	/** Replaces a value by one of another type (or the root by a non-object). */
	| { kind: 'retype'; at: number; value: unknown }
	| { kind: 'delete'; at: number }
	/** An array where an object (or anything) is expected. */
	| { kind: 'wrapInArray'; at: number }
	| { kind: 'nest'; at: number; depth: number; shape: 'array' | 'object' }
	| { kind: 'hugeString'; at: number; length: number }
	| { kind: 'prototypeKey'; at: number; key: (typeof PROTOTYPE_KEYS)[number]; payload: number }
	| { kind: 'addField'; at: number; key: string; value: unknown }
	| { kind: 'addPersonalField'; at: number; key: string }
	/** Every string leaf becomes the same text, e.g. `constructor` where a channel name is read. */
	| { kind: 'everyString'; value: string }
	| { kind: 'eventName'; value: unknown };

interface Slot {
	parent: JsonRecord | unknown[] | null;
	key: string | number;
	value: unknown;
	depth: number;
}

/** Every value of a JSON tree with where it sits; the root has no parent. */
function slotsOf(root: unknown): Slot[] {
	const slots: Slot[] = [];
	const stack: Slot[] = [{ parent: null, key: '', value: root, depth: 0 }];
	while (stack.length > 0) {
		const slot = stack.pop()!;
		slots.push(slot);
		const { value, depth } = slot;
		if (Array.isArray(value)) {
			value.forEach((entry, index) =>
				stack.push({ parent: value, key: index, value: entry, depth: depth + 1 }),
			);
		} else if (isRecord(value)) {
			for (const key of Object.keys(value))
				stack.push({ parent: value, key, value: value[key], depth: depth + 1 });
		}
	}
	return slots;
}

function pickSlot(
	root: unknown,
	at: number,
	filter: (slot: Slot) => boolean = () => true,
): Slot | undefined {
	const candidates = slotsOf(root).filter(filter);
	return candidates.length === 0 ? undefined : candidates[at % candidates.length];
}

/** Puts `value` where `slot` is and returns the (possibly new) root. */
function replaceAt(root: unknown, slot: Slot, value: unknown): unknown {
	if (slot.parent === null) return value;
	if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
	else setOwn(slot.parent, slot.key as string, value);
	return root;
}

export function nested(depth: number, shape: 'array' | 'object', leaf: unknown): unknown {
	let value = leaf;
	for (let level = 0; level < depth; level++) value = shape === 'array' ? [value] : { a: value };
	return value;
}

/** What a prototype key is set to: plain data, or what would pollute if merged carelessly. */
function pollutionPayload(choice: number): unknown {
	const flagged: JsonRecord = {};
	setOwn(flagged, POLLUTION_FLAG, 'yes');
	switch (choice % 6) {
		case 0:
			return flagged;
		case 1:
			return { prototype: flagged };
		case 2: {
			const viaProto: JsonRecord = {};
			setOwn(viaProto, '__proto__', flagged);
			return viaProto;
		}
		case 3:
			return null;
		case 4:
			return 'yes';
		default:
			return [flagged];
	}
}

export function applyMutation(
	root: unknown,
	mutation: StructuralMutation,
	context: { eventField: string; marker: string },
): unknown {
	switch (mutation.kind) {
		case 'retype': {
			const slot = pickSlot(root, mutation.at);
			return slot ? replaceAt(root, slot, cloneJson(mutation.value)) : root;
		}
		case 'delete': {
			const slot = pickSlot(root, mutation.at, ({ parent }) => parent !== null);
			if (!slot) return root;
			if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
			else delete (slot.parent as JsonRecord)[slot.key as string];
			return root;
		}
		case 'wrapInArray': {
			const slot = pickSlot(root, mutation.at);
			return slot ? replaceAt(root, slot, [slot.value]) : root;
		}
		case 'nest': {
			const slot = pickSlot(root, mutation.at, ({ parent }) => parent !== null);
			return slot
				? replaceAt(root, slot, nested(mutation.depth, mutation.shape, slot.value))
				: root;
		}
		case 'hugeString': {
			const slot = pickSlot(root, mutation.at, ({ parent }) => parent !== null);
			return slot ? replaceAt(root, slot, 'x'.repeat(mutation.length)) : root;
		}
		case 'prototypeKey': {
			const slot = pickSlot(root, mutation.at, ({ value }) => isRecord(value));
			if (slot) setOwn(slot.value as JsonRecord, mutation.key, pollutionPayload(mutation.payload));
			return root;
		}
		case 'addField': {
			const slot = pickSlot(root, mutation.at, ({ value }) => isRecord(value));
			if (slot) setOwn(slot.value as JsonRecord, mutation.key, cloneJson(mutation.value));
			return root;
		}
		case 'addPersonalField': {
			// Below the top level only: the top level holds the event name (see plantPersonalData).
			const slot = pickSlot(root, mutation.at, ({ value, depth }) => isRecord(value) && depth >= 1);
			if (slot) setOwn(slot.value as JsonRecord, mutation.key, `${context.marker} ${mutation.key}`);
			return root;
		}
		case 'everyString': {
			// Not the event name: the envelope would no longer be recognised, and its fields not read.
			const isEventName = (slot: Slot) => slot.depth === 1 && slot.key === context.eventField;
			for (const slot of slotsOf(root)) {
				if (typeof slot.value === 'string' && slot.parent !== null && !isEventName(slot))
					replaceAt(root, slot, mutation.value);
			}
			return root;
		}
		case 'eventName':
			if (isRecord(root)) setOwn(root, context.eventField, cloneJson(mutation.value));
			return root;
	}
}

/** Texts that make naive readers stumble: prototype names, lookalikes of numbers and dates, odd Unicode. */
const trickyText = fc.constantFrom(
	'',
	' ',
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'hasOwnProperty',
	'valueOf',
	'NaN',
	'Infinity',
	'null',
	'true',
	'0',
	'-1',
	'1e400',
	'2026-13-45T99:99:99Z',
	'2026-01-09T07:05:42.378992489Z',
	'\u0000',
	'\uFEFF',
	'\uD800',
	'\u202E',
	'😀',
	'a\r\nb',
	'$.data',
	'{{ $json }}',
);

/** A value of a type the schema probably does not expect. */
export const wrongTypeValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constant(null),
	fc.boolean(),
	fc.integer(),
	fc.double(),
	fc.constantFrom(0, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1.5),
	fc.string({ maxLength: 16 }),
	trickyText,
	fc.constant([]),
	fc.constant({}),
	fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
	fc.jsonValue({ maxDepth: 2 }),
);

export interface MutationOptions {
	/** Deepest nesting a mutation adds. */
	maxDepth: number;
	/** Longest huge string. */
	maxStringLength: number;
	/** Event names worth trying (the provider's catalogue, other providers'). */
	eventNames: readonly string[];
}

export function structuralMutation(options: MutationOptions): fc.Arbitrary<StructuralMutation> {
	const at = fc.nat();
	return fc.oneof(
		{
			weight: 4,
			arbitrary: fc.record({ kind: fc.constant('retype' as const), at, value: wrongTypeValue }),
		},
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at }) },
		{ weight: 2, arbitrary: fc.record({ kind: fc.constant('wrapInArray' as const), at }) },
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('nest' as const),
				at,
				depth: fc.integer({ min: 1, max: options.maxDepth }),
				shape: fc.constantFrom('array' as const, 'object' as const),
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('hugeString' as const),
				at,
				length: fc.integer({ min: 1_000, max: options.maxStringLength }),
			}),
		},
		{
			weight: 2,
			arbitrary: fc.record({
				kind: fc.constant('prototypeKey' as const),
				at,
				key: fc.constantFrom(...PROTOTYPE_KEYS),
				payload: fc.nat(),
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('addField' as const),
				at,
				key: fc.oneof(fc.string({ maxLength: 12 }), trickyText),
				value: wrongTypeValue,
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('addPersonalField' as const),
				at,
				key: fc.constantFrom(...PERSONAL_FIELD_NAMES),
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('everyString' as const),
				value: fc.oneof(trickyText, fc.string({ maxLength: 8 })),
			}),
		},
		{
			weight: 2,
			arbitrary: fc.record({
				kind: fc.constant('eventName' as const),
				value: fc.oneof(
					{ weight: 3, arbitrary: fc.constantFrom(...options.eventNames) },
					{ weight: 1, arbitrary: trickyText },
					{ weight: 1, arbitrary: wrongTypeValue },
				),
			}),
		},
	);
}

// ---------------------------------------------------------------------------------------
// Byte-level mutations of the serialized body

export type ByteMutation =
	| { kind: 'truncate'; keepPerMille: number }
	| { kind: 'byteOrderMark' }
	| { kind: 'invalidUtf8'; atPerMille: number; sequence: number[] }
	| { kind: 'replaceByte'; atPerMille: number; byte: number }
	| { kind: 'append'; text: string }
	| { kind: 'surroundWithWhitespace' };

const INVALID_UTF8 = [
	[0xff],
	[0xfe],
	[0x80],
	[0xc3, 0x28],
	[0xc0, 0xaf],
	[0xe2, 0x28, 0xa1],
	[0xed, 0xa0, 0x80],
	[0xf0, 0x28, 0x8c, 0xbc],
	[0xf8, 0x88, 0x80, 0x80, 0x80],
	[0xc3],
];

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('truncate' as const),
			keepPerMille: fc.integer({ min: 0, max: 999 }),
		}),
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('byteOrderMark' as const) }) },
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('invalidUtf8' as const),
			atPerMille: fc.integer({ min: 0, max: 1000 }),
			sequence: fc.constantFrom(...INVALID_UTF8),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('replaceByte' as const),
			atPerMille: fc.integer({ min: 0, max: 999 }),
			byte: fc.integer({ min: 0, max: 255 }),
		}),
	},
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('append' as const),
			text: fc.constantFrom(' ', '\n', '}', ']', ',', '\u0000', 'x', '{}'),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('surroundWithWhitespace' as const) }) },
);

export function applyByteMutation(bytes: Buffer, mutation: ByteMutation): Buffer {
	const position = (perMille: number) => Math.floor((bytes.length * perMille) / 1000);
	switch (mutation.kind) {
		case 'truncate':
			return bytes.subarray(0, position(mutation.keepPerMille));
		case 'byteOrderMark':
			return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
		case 'invalidUtf8': {
			const at = position(mutation.atPerMille);
			return Buffer.concat([
				bytes.subarray(0, at),
				Buffer.from(mutation.sequence),
				bytes.subarray(at),
			]);
		}
		case 'replaceByte': {
			if (bytes.length === 0) return bytes;
			const copy = Buffer.from(bytes);
			copy[position(mutation.atPerMille)] = mutation.byte;
			return copy;
		}
		case 'append':
			return Buffer.concat([bytes, Buffer.from(mutation.text)]);
		case 'surroundWithWhitespace':
			return Buffer.concat([Buffer.from(' \n\t'), bytes, Buffer.from('\r\n ')]);
	}
}

const byteMutations = fc.oneof(
	{ weight: 4, arbitrary: fc.constant<ByteMutation[]>([]) },
	{ weight: 1, arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 2 }) },
);

// ---------------------------------------------------------------------------------------
// Whole bodies

/** One element of a batch: a (mutated) documented envelope or any JSON. */
export type ElementPlan =
	| { kind: 'envelope'; fixture: number; mutations: StructuralMutation[] }
	| { kind: 'json'; value: unknown };

export type BodyPlan =
	| {
			kind: 'envelope';
			fixture: number;
			mutations: StructuralMutation[];
			pretty: boolean;
			bytes: ByteMutation[];
	  }
	| { kind: 'batch'; elements: ElementPlan[]; bytes: ByteMutation[] }
	/** Any JSON, primitives included (`42`, `"x"`, `null`). */
	| { kind: 'json'; value: unknown; bytes: ByteMutation[] }
	| { kind: 'randomBytes'; bytes: Uint8Array }
	| { kind: 'text'; text: string }
	| { kind: 'empty'; whitespace: string }
	| { kind: 'deep'; depth: number; shape: 'array' | 'object'; inBatch: boolean };

export interface BodyOptions extends MutationOptions {
	fixtureCount: number;
	maxBatch: number;
}

export function bodyPlan(options: BodyOptions): fc.Arbitrary<BodyPlan> {
	const fixture = fc.nat({ max: options.fixtureCount - 1 });
	const mutations = fc.array(structuralMutation(options), { maxLength: 4 });
	const element: fc.Arbitrary<ElementPlan> = fc.oneof(
		{
			weight: 3,
			arbitrary: fc.record({ kind: fc.constant('envelope' as const), fixture, mutations }),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('json' as const),
				value: fc.jsonValue({ maxDepth: 2 }),
			}),
		},
	);
	return fc.oneof(
		{
			weight: 8,
			arbitrary: fc.record({
				kind: fc.constant('envelope' as const),
				fixture,
				mutations,
				pretty: fc.boolean(),
				bytes: byteMutations,
			}),
		},
		{
			weight: 3,
			arbitrary: fc.record({
				kind: fc.constant('batch' as const),
				elements: fc.array(element, { maxLength: options.maxBatch }),
				bytes: byteMutations,
			}),
		},
		{
			weight: 2,
			arbitrary: fc.record({
				kind: fc.constant('json' as const),
				value: fc.oneof(
					fc.jsonValue({ maxDepth: 3 }),
					fc.constantFrom(42, 'x', null, true, 0, '', [], {}),
				),
				bytes: byteMutations,
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('randomBytes' as const),
				bytes: fc.uint8Array({ maxLength: 256 }),
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('text' as const),
				text: fc.string({ maxLength: 64 }),
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('empty' as const),
				whitespace: fc.constantFrom('', ' ', '\n', '\r\n\t '),
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				kind: fc.constant('deep' as const),
				depth: fc.integer({ min: 1, max: options.maxDepth }),
				shape: fc.constantFrom('array' as const, 'object' as const),
				inBatch: fc.boolean(),
			}),
		},
	);
}

export interface BodyContext {
	/** The provider's documented envelopes, personal data already replaced by the marker. */
	fixtures: readonly unknown[];
	eventField: string;
	marker: string;
}

function mutatedEnvelope(
	context: BodyContext,
	fixture: number,
	mutations: StructuralMutation[],
): unknown {
	let envelope = cloneJson(context.fixtures[fixture % context.fixtures.length]);
	for (const mutation of mutations) envelope = applyMutation(envelope, mutation, context);
	return envelope;
}

export function buildBody(plan: BodyPlan, context: BodyContext): Buffer {
	const withBytes = (text: string, mutations: ByteMutation[]) =>
		mutations.reduce<Buffer>(
			(bytes, mutation) => applyByteMutation(bytes, mutation),
			Buffer.from(text),
		);
	switch (plan.kind) {
		case 'envelope': {
			const envelope = mutatedEnvelope(context, plan.fixture, plan.mutations);
			return withBytes(
				JSON.stringify(envelope, null, plan.pretty ? 2 : undefined) ?? 'null',
				plan.bytes,
			);
		}
		case 'batch': {
			const elements = plan.elements.map((element) =>
				element.kind === 'envelope'
					? mutatedEnvelope(context, element.fixture, element.mutations)
					: element.value,
			);
			return withBytes(JSON.stringify(elements), plan.bytes);
		}
		case 'json':
			return withBytes(JSON.stringify(plan.value) ?? 'null', plan.bytes);
		case 'randomBytes':
			return Buffer.from(plan.bytes);
		case 'text':
			return Buffer.from(plan.text);
		case 'empty':
			return Buffer.from(plan.whitespace);
		case 'deep': {
			const deep = deepJson(plan.depth, plan.shape);
			return Buffer.from(plan.inBatch ? `[{},${deep}]` : deep);
		}
	}
}

/** `[[[…]]]` or `{"a":{"a":…}}`, built as text so that no serializer has to recurse. */
export function deepJson(depth: number, shape: 'array' | 'object'): string {
	return shape === 'array'
		? `${'['.repeat(depth)}${']'.repeat(depth)}`
		: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

// ---------------------------------------------------------------------------------------
// Headers

export const contentType = fc.constantFrom(
	'application/json',
	'application/json; charset=utf-8',
	'APPLICATION/JSON',
	'text/plain',
	'application/x-www-form-urlencoded',
	'multipart/form-data; boundary=fuzz',
	'application/octet-stream',
	'application/json; charset=latin1',
	'*/*',
	'',
);

const headerName = fc.oneof(
	fc.stringMatching(/^x-[a-z0-9-]{1,16}$/),
	fc.constantFrom(
		'user-agent',
		'accept',
		'content-length',
		'content-encoding',
		'transfer-encoding',
		'x-forwarded-for',
		'x-request-id',
		'cookie',
		'x-partoo-webhook-tryout',
		'x-timely-event',
		'x-comapi-event',
	),
);

const headerValue = fc.oneof(
	fc.string({ maxLength: 48 }),
	trickyText,
	fc.constantFrom('gzip', '0', '-1', '99999999', 'chunked'),
);

/** Headers a delivery might carry besides its authentication: never one of `reserved`. */
export function extraHeaders(reserved: readonly string[]): fc.Arbitrary<Record<string, string>> {
	const reservedNames = new Set(reserved.map((name) => name.toLowerCase()));
	return fc
		.tuple(
			fc.option(contentType, { nil: undefined }),
			fc.uniqueArray(
				fc.tuple(
					headerName.filter((name) => !reservedNames.has(name)),
					headerValue,
				),
				{
					maxLength: 5,
					selector: ([name]) => name,
				},
			),
		)
		.map(([type, entries]) => {
			const headers: Record<string, string> = {};
			for (const [name, value] of entries) headers[name] = value;
			if (type !== undefined) headers['content-type'] = type;
			return headers;
		});
}
