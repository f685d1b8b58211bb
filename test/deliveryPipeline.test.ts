import { processDelivery, parseDeliveryBody } from '../lib/deliveryPipeline';
import { asText, normalizeChannel, pick, toIsoTimestamp } from '../lib/envelopeReading';
import { describeIssue } from '../lib/eventNormalization';
import { compileEventSelection, eventOptions } from '../lib/eventSelection';
import { dotdigitalProvider } from '../lib/providers/dotdigital';
import { klinkProvider } from '../lib/providers/klink';
import { fixture } from './support/fixtures';
import { z } from 'zod';

const open = { authentication: { kind: 'none' as const }, selection: compileEventSelection(['*']) };

function run(body: string | Buffer, provider = klinkProvider) {
	return processDelivery(
		provider,
		{ rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body), headers: {} },
		open,
	);
}

describe('parsing a delivery body', () => {
	it.each([
		['an empty body', ''],
		['truncated JSON', '{"event":"message.inbound","data":{'],
		['a form post', 'event=message.inbound'],
	])('answers 400 for %s', (_case, body) => {
		expect(run(body)).toMatchObject({ kind: 'malformed', status: 400 });
	});

	it('does not quote the body in its reason', () => {
		const outcome = run('{"cpf":"123.456.789-00", oops}');
		expect(outcome.kind).toBe('malformed');
		expect(JSON.stringify(outcome)).not.toContain('123.456');
	});

	it('reads a body with a byte-order mark and one with invalid UTF-8 inside a string', () => {
		const withBom = Buffer.concat([
			Buffer.from([0xef, 0xbb, 0xbf]),
			Buffer.from(JSON.stringify(fixture('klink', 'contact-create'))),
		]);
		expect(run(withBom)).toMatchObject({ kind: 'accepted' });
		const invalidUtf8 = Buffer.concat([
			Buffer.from(
				'{"event":"message.inbound","timestamp":"2026-01-09T07:05:42Z","data":{"message":"',
			),
			Buffer.from([0xc3, 0x28, 0xff]),
			Buffer.from('"}}'),
		]);
		const outcome = run(invalidUtf8);
		expect(outcome).toMatchObject({ kind: 'accepted' });
	});

	it('emits JSON that is not an envelope rather than losing it', () => {
		for (const body of ['42', '"text"', 'null', '[1, {"event": 2}]']) {
			const outcome = run(body);
			expect(outcome.kind).toBe('accepted');
			if (outcome.kind !== 'accepted') continue;
			for (const event of outcome.events) {
				expect(event.event).toBe('unrecognised');
				expect(event.problems.length).toBeGreaterThan(0);
			}
		}
	});

	it('treats an array as a batch for any provider', () => {
		expect(parseDeliveryBody(Buffer.from('[{"a":1},{"b":2}]'))).toEqual({
			ok: true,
			envelopes: [{ a: 1 }, { b: 2 }],
		});
	});
});

describe('hostile envelopes', () => {
	it('does not let __proto__ or constructor keys pollute objects or pose as events', () => {
		const body =
			'{"event":"constructor","timestamp":"2026-01-09T07:05:42Z","__proto__":{"polluted":true},"data":{"__proto__":{"isPrimary":true},"tags":[{"name":"VIP"}]}}';
		const outcome = run(body);
		expect(outcome.kind).toBe('accepted');
		if (outcome.kind !== 'accepted') return;
		expect(outcome.events[0]).toMatchObject({ event: 'constructor', tags: ['VIP'] });
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype).not.toHaveProperty('polluted');
	});

	it('does not take "constructor" for a catalogued Dotdigital status event', () => {
		const outcome = run('{"name":"toString","eventId":"e1","payload":{}}', dotdigitalProvider);
		expect(outcome).toMatchObject({
			kind: 'accepted',
			events: [{ event: 'toString', message: null, error: null }],
		});
	});

	it('maps an envelope whose every field has the wrong type without throwing', () => {
		const envelope = {
			event: 'message.inbound',
			timestamp: true,
			data: { room: [], message: {}, attachments: 'x', direction: 7 },
		};
		const outcome = run(JSON.stringify(envelope));
		expect(outcome).toMatchObject({
			kind: 'accepted',
			events: [{ event: 'message.received', occurredAt: null }],
		});
	});

	it('keeps an array nested 20,000 deep as one unrecognised event, its id and raw from its outer 100 levels', () => {
		const outcome = run('['.repeat(20_000) + ']'.repeat(20_000));
		const deeper = run('[[' + '['.repeat(20_000) + ']'.repeat(20_000) + ']]');
		if (outcome.kind !== 'accepted' || deeper.kind !== 'accepted')
			throw new Error('expected both accepted');
		expect(outcome.received).toBe(1);
		const [event] = outcome.events;
		expect(event.event).toBe('unrecognised');
		expect(JSON.stringify(event.raw)).toBe(
			`${'['.repeat(100)}"[removed: nested deeper than 100 levels]"${']'.repeat(100)}`,
		);
		expect(event.eventId).toMatch(/^[0-9a-f]{32}$/);
		// Two levels more, below the cut, make no difference to what is kept.
		expect(deeper.events[0].eventId).toBe(event.eventId);
		expect(deeper.events[0].raw).toEqual(event.raw);
	});

	it('never reads a channel name from Object.prototype', () => {
		expect(['constructor', 'Con_struc-tor', '__proto__', 'toString'].map(normalizeChannel)).toEqual(
			['constructor', 'constructor', 'proto', 'tostring'],
		);
	});

	it('survives deep nesting and huge strings', () => {
		const deep =
			'{"event":"message.inbound","data":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}';
		expect(run(deep)).toMatchObject({
			kind: 'accepted',
			events: [
				{
					event: 'message.received',
					problems: expect.arrayContaining([
						expect.stringMatching(/\.a: nested deeper than 100 levels; removed$/),
					]),
				},
			],
		});
		const huge = JSON.stringify({
			event: 'message.inbound',
			timestamp: 'x'.repeat(1_000_000),
			data: { message: 'y'.repeat(5_000_000) },
		});
		const outcome = run(huge);
		expect(outcome).toMatchObject({ kind: 'accepted', events: [{ occurredAt: null }] });
	});
});

describe('event selection', () => {
	const definition = klinkProvider.events.find((event) => event.name === 'message.inbound')!;

	it('selects everything by default and with *', () => {
		for (const selected of [undefined, [], ['*'], ['contact.create', '*']]) {
			expect(compileEventSelection(selected).matches({ providerEvent: 'anything.at.all' })).toBe(
				true,
			);
		}
	});

	it('matches exact names, families, name prefixes and canonical names', () => {
		expect(
			compileEventSelection(['message.inbound']).matches({
				providerEvent: 'message.inbound',
				definition,
			}),
		).toBe(true);
		expect(
			compileEventSelection(['message.outbound']).matches({
				providerEvent: 'message.inbound',
				definition,
			}),
		).toBe(false);
		expect(compileEventSelection(['message.*']).matches({ providerEvent: 'message.deleted' })).toBe(
			true,
		);
		expect(compileEventSelection(['message.*']).matches({ providerEvent: 'message_created' })).toBe(
			true,
		);
		expect(
			compileEventSelection(['contact.*']).matches({
				providerEvent: 'message.inbound',
				definition,
			}),
		).toBe(false);
		const profileCreate = dotdigitalProvider.events.find(
			(event) => event.name === 'profile.create',
		)!;
		expect(
			compileEventSelection(['contact.*']).matches({
				providerEvent: 'profile.create',
				definition: profileCreate,
			}),
		).toBe(true);
	});

	it('offers all events, one wildcard per family and every catalogued event', () => {
		const values = eventOptions(dotdigitalProvider).map((option) => option.value);
		expect(values[0]).toBe('*');
		expect(values).toEqual(
			expect.arrayContaining(['message.*', 'profile.*', 'conversation.*', 'interaction.*']),
		);
		for (const event of dotdigitalProvider.events) expect(values).toContain(event.name);
		expect(new Set(values).size).toBe(values.length);
	});
});

describe('reading untrusted JSON', () => {
	it.each([
		['2026-01-09T07:05:42.378992489Z', '2026-01-09T07:05:42.378Z'],
		['2026-01-09T03:42:38.000000Z', '2026-01-09T03:42:38.000Z'],
		['2023-01-31 16:22:17.327878+00:00', '2023-01-31T16:22:17.327Z'],
		['2026-04-19T14:30:00-03:00', '2026-04-19T17:30:00.000Z'],
		['2024-05-21T10:30:00.123Z', '2024-05-21T10:30:00.123Z'],
		[1496248541996, '2017-05-31T16:35:41.996Z'],
		[1505211288, '2017-09-12T10:14:48.000Z'],
		['yesterday', null],
		['2026-13-45T99:00:00Z', null],
		[null, null],
		[{}, null],
	])('reads the timestamp %p as %p', (value, iso) => {
		expect(toIsoTimestamp(value)).toBe(iso);
	});

	it('reads own properties only', () => {
		expect(pick({}, 'constructor')).toBeUndefined();
		expect(pick({ a: { b: 1 } }, 'a', 'b')).toBe(1);
		expect(pick({ a: null }, 'a', 'b')).toBeUndefined();
	});

	it('turns values into text only when they are text or finite numbers', () => {
		expect([asText('x'), asText(''), asText(3), asText(NaN), asText(true), asText({})]).toEqual([
			'x',
			null,
			'3',
			null,
			null,
			null,
		]);
	});

	it('normalizes channel names', () => {
		expect(
			['fbMessenger', 'appMessaging', 'WhatsApp', 'SMS', 'whatsapp_business'].map(normalizeChannel),
		).toEqual(['messenger', 'appmessaging', 'whatsapp', 'sms', 'whatsapp']);
	});
});

describe('schema problems', () => {
	it('name the field and the expectation, never the value found', () => {
		const schema = z.object({
			email: z.string().email(),
			kind: z.enum(['a', 'b']),
			age: z.number(),
		});
		const result = schema.safeParse({
			email: 'john.doe@example',
			kind: 'john.doe@example.com',
			age: '123.456.789-00',
		});
		expect(result.success).toBe(false);
		if (result.success) return;
		const problems = result.error.issues.map(describeIssue);
		expect(problems).toEqual([
			'email: not in the documented format',
			'kind: not one of the documented values',
			'age: expected number, got string',
		]);
		expect(problems.join(' ')).not.toMatch(/john|123\.456/);
	});
});
