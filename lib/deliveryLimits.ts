import { asRecord } from './envelopeReading';

/**
 * Every bound the engine puts on one delivery, in one place (README, "Limits").
 *
 * Envelopes per delivery: Dotdigital's documented batch maximum is 500 and no other provider
 * batches, so the default leaves four times that; the trigger's Options can change it.
 */
export const DEFAULT_MAX_EVENTS_PER_DELIVERY = 2000;
export const MAX_EVENTS_PER_DELIVERY_CEILING = 100_000;

/** The cap a trigger's Options ask for, when it is a whole number in range; else the default. */
export function eventsPerDeliveryCap(setting: unknown): number {
	return Number.isInteger(setting) &&
		(setting as number) >= 1 &&
		(setting as number) <= MAX_EVENTS_PER_DELIVERY_CEILING
		? (setting as number)
		: DEFAULT_MAX_EVENTS_PER_DELIVERY;
}

/**
 * Nesting depth of what an item carries. n8n copies items with recursive functions
 * (n8n-workflow's deepCopy, JSON.stringify, structuredClone), which overflow the stack at a
 * few thousand levels (measured on Node 20: structuredClone ~1,950, deepCopy ~3,700), and
 * less when they run deep in n8n's own call stack. The providers' documented payloads are
 * at most 6 levels deep.
 */
export const MAX_NESTING_DEPTH = 100;

/** Problems listed per event; the rest are counted in one last entry. */
export const MAX_PROBLEMS_PER_EVENT = 20;

/**
 * How much of an envelope the documented schema is checked against: the first elements of
 * each list and the first members of each object. The envelope is still emitted whole; the
 * cost of the check, and the number of issues it can find, no longer grows with a hostile list.
 * Twenty list elements are as many as `problems` can show.
 */
export const MAX_VALIDATED_LIST_ELEMENTS = MAX_PROBLEMS_PER_EVENT;
export const MAX_VALIDATED_MEMBERS = 1000;

/** What replaces a part of an envelope nested deeper than MAX_NESTING_DEPTH. */
export const TOO_DEEP_MARKER = `[removed: nested deeper than ${MAX_NESTING_DEPTH} levels]`;

/** What an item carries as `raw` when its envelope could not even be measured or copied. */
export const UNREADABLE_MARKER = '[removed: the envelope could not be read]';

/** A list of problems that keeps the first MAX_PROBLEMS_PER_EVENT and counts the others. */
export class ProblemList {
	private readonly kept: string[] = [];
	private dropped = 0;

	constructor(private readonly limit = MAX_PROBLEMS_PER_EVENT) {}

	/** A problem, or how to word it: once the list is full it is only counted, never worded. */
	add(problem: string | (() => string)): void {
		if (this.kept.length < this.limit)
			this.kept.push(typeof problem === 'string' ? problem : problem());
		else this.dropped++;
	}

	addAll(problems: Iterable<string>): void {
		for (const problem of problems) this.add(problem);
	}

	toArray(): string[] {
		return this.dropped > 0
			? [...this.kept, `…and ${this.dropped} more problem${this.dropped === 1 ? '' : 's'}`]
			: [...this.kept];
	}
}

export interface EnvelopeShape {
	/** A container sits deeper than MAX_NESTING_DEPTH. */
	tooDeep: boolean;
	/** A list or object is longer than what the schema check looks at. */
	tooWide: boolean;
}

/**
 * How deep and how wide a JSON value is, without recursion (a parsed body can be nested
 * millions of levels deep) and without looking below MAX_NESTING_DEPTH.
 */
export function envelopeShape(value: unknown): EnvelopeShape {
	const shape: EnvelopeShape = { tooDeep: false, tooWide: false };
	const pending: Array<[unknown, number]> = [[value, 1]];
	while (pending.length > 0) {
		const [current, depth] = pending.pop()!;
		if (typeof current !== 'object' || current === null) continue;
		if (depth > MAX_NESTING_DEPTH) {
			shape.tooDeep = true;
			continue;
		}
		let count = 0;
		const visit = (child: unknown) => {
			count++;
			if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
		};
		if (Array.isArray(current)) current.forEach(visit);
		else for (const key in current) visit((current as Record<string, unknown>)[key]);
		const checked = Array.isArray(current) ? MAX_VALIDATED_LIST_ELEMENTS : MAX_VALIDATED_MEMBERS;
		if (count > checked) shape.tooWide = true;
	}
	return shape;
}

export interface BoundedEnvelope {
	value: unknown;
	/** Where parts were replaced by TOO_DEEP_MARKER, as problems. */
	problems: string[];
}

/**
 * The envelope with every part nested deeper than MAX_NESTING_DEPTH replaced by a marker.
 * The input is never changed: a copy is made only when something is too deep.
 */
export function boundNesting(value: unknown, shape = envelopeShape(value)): BoundedEnvelope {
	if (!shape.tooDeep) return { value, problems: [] };
	const problems = new ProblemList();
	// The keys and indexes leading to the value being copied; worded only for a kept problem.
	const steps: Array<string | number> = [];
	const within = <T>(step: string | number, copyStep: () => T): T => {
		steps.push(step);
		const copied = copyStep();
		steps.pop();
		return copied;
	};
	const copy = (current: unknown, depth: number): unknown => {
		if (typeof current !== 'object' || current === null) return current;
		if (depth > MAX_NESTING_DEPTH) {
			problems.add(
				() => `${pathOf(steps)}: nested deeper than ${MAX_NESTING_DEPTH} levels; removed`,
			);
			return TOO_DEEP_MARKER;
		}
		if (Array.isArray(current)) {
			return current.map((element, index) => within(index, () => copy(element, depth + 1)));
		}
		return Object.fromEntries(
			Object.entries(current).map(([key, member]) => [
				key,
				within(key, () => copy(member, depth + 1)),
			]),
		);
	};
	return { value: copy(value, 1), problems: problems.toArray() };
}

/**
 * What the schema is checked against: the envelope with each list and object cut to the
 * elements the check looks at. The envelope itself is emitted whole.
 */
export function validationView(value: unknown, shape: EnvelopeShape): unknown {
	if (!shape.tooWide) return value;
	const copy = (current: unknown): unknown => {
		if (Array.isArray(current)) return current.slice(0, MAX_VALIDATED_LIST_ELEMENTS).map(copy);
		const record = asRecord(current);
		if (!record) return current;
		const members: Array<[string, unknown]> = [];
		for (const key in record) {
			if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
			if (members.length === MAX_VALIDATED_MEMBERS) break;
			members.push([key, copy(record[key])]);
		}
		return Object.fromEntries(members);
	};
	return copy(value);
}

/** A path as a problem names it (`data.tags[0]`), its last 120 characters at most. */
function pathOf(steps: ReadonlyArray<string | number>): string {
	if (steps.length === 0) return 'envelope';
	const path = steps
		.map((step, index) =>
			typeof step === 'number' ? `[${step}]` : `${index === 0 ? '' : '.'}${pathKey(step)}`,
		)
		.join('');
	return path.length > 120 ? `…${path.slice(-119)}` : path;
}

/** A key as it appears in a problem's path: never more than 40 characters. */
function pathKey(key: string): string {
	return key.length > 40 ? `${key.slice(0, 37)}...` : key;
}
