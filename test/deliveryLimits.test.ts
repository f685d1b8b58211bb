import { boundNesting, ProblemList, validationView, envelopeShape } from '../lib/deliveryLimits';
import { normalizeEnvelopes } from '../lib/deliveryPipeline';
import { klinkProvider } from '../lib/providers/klink';

function nestedArrays(levels: number, bottom: unknown = 'x'): unknown {
	let value = bottom;
	for (let level = 0; level < levels; level++) value = [value];
	return value;
}

describe('limits on what one envelope can carry', () => {
	it('keeps the first 20 problems and counts the rest in one last entry', () => {
		const problems = new ProblemList();
		for (let index = 0; index < 25; index++) problems.add(`problem ${index}`);
		const list = problems.toArray();
		expect(list).toHaveLength(21);
		expect(list[19]).toBe('problem 19');
		expect(list[20]).toBe('…and 5 more problems');
	});

	it('says "1 more problem" for one over the cap', () => {
		const problems = new ProblemList(1);
		problems.add('a');
		problems.add('b');
		expect(problems.toArray()).toEqual(['a', '…and 1 more problem']);
	});

	it('leaves a value of 100 levels alone and returns it as it is', () => {
		const value = nestedArrays(100);
		expect(boundNesting(value)).toEqual({ value, problems: [] });
		expect(boundNesting(value).value).toBe(value);
	});

	it('cuts a value of 101 levels at level 101, without changing the input', () => {
		const value = nestedArrays(101);
		const before = JSON.stringify(value);
		const bounded = boundNesting(value);
		expect(bounded.problems).toEqual([
			`…0]${'[0]'.repeat(39)}: nested deeper than 100 levels; removed`,
		]);
		expect(JSON.stringify(bounded.value)).toBe(
			`${'['.repeat(100)}"[removed: nested deeper than 100 levels]"${']'.repeat(100)}`,
		);
		expect(JSON.stringify(value)).toBe(before);
	});

	it('measures a million levels without recursion', () => {
		const value = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
		expect(envelopeShape(value)).toEqual({ tooDeep: true, tooWide: false });
	});

	it('keeps an own "__proto__" key as data when it copies', () => {
		const value = JSON.parse(
			`{"__proto__": {"polluted": true}, "deep": ${JSON.stringify(nestedArrays(120))}}`,
		);
		const bounded = boundNesting(value).value as Record<string, unknown>;
		expect(Object.getPrototypeOf(bounded)).toBe(Object.prototype);
		expect(Object.prototype.hasOwnProperty.call(bounded, '__proto__')).toBe(true);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('shows the schema only the first 20 elements of a list and the first 1,000 members of an object', () => {
		const members = Object.fromEntries(
			Array.from({ length: 1500 }, (_, index) => [`k${index}`, index]),
		);
		const value = { list: Array.from({ length: 5000 }, (_, index) => index), members };
		const view = validationView(value, envelopeShape(value)) as {
			list: number[];
			members: Record<string, number>;
		};
		expect(view.list).toEqual([
			0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
		]);
		expect(Object.keys(view.members)).toHaveLength(1000);
		expect(view.members.k999).toBe(999);
		expect(value.list).toHaveLength(5000);
	});

	it('words no more problems than it keeps', () => {
		const problems = new ProblemList();
		let worded = 0;
		for (let index = 0; index < 1000; index++) problems.add(() => `problem ${worded++}`);
		expect(worded).toBe(20);
		expect(problems.toArray()[20]).toBe('…and 980 more problems');
	});

	it('never changes the items the helper nodes normalize', () => {
		const envelope = { event: 'contact.create', timestamp: 1, data: { deep: nestedArrays(150) } };
		const before = JSON.stringify(envelope);
		const [event] = normalizeEnvelopes(klinkProvider, [envelope]);
		expect(JSON.stringify(envelope)).toBe(before);
		expect(event.problems).toContain(
			`…0]${'[0]'.repeat(39)}: nested deeper than 100 levels; removed`,
		);
	});
});
