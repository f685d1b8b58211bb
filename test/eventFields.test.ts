import { EventFields } from '../nodes/EventFields/EventFields.node';
import * as deliveryPipeline from '../lib/deliveryPipeline';
import { FIELD_PRESETS } from '../lib/eventFields';
import * as jsonPath from '../lib/jsonPath';
import { fixture, providerFixtures } from './support/fixtures';
import { runNode } from './support/runNode';
import { deliver } from './support/runTrigger';
import type { IDataObject, INodeParameters, INodeProperties, INodeType } from 'n8n-workflow';
import { TRIGGER_NODES } from './support/triggerNodes';

const eventFields = new EventFields();
const ALL_PRESETS = FIELD_PRESETS.map((preset) => preset.value);

const triggers: Record<string, INodeType> = TRIGGER_NODES;

async function canonicalOf(provider: string, envelope: object): Promise<IDataObject> {
	const run = await deliver(
		triggers[provider],
		{
			parameters: { authentication: 'none' },
			credentials: { partooApi: { apiKey: 'k', environment: 'sandbox' } },
		},
		{ body: envelope },
	);
	return run.items![0];
}

async function fieldsOf(item: object, parameters: INodeParameters = { fields: ALL_PRESETS }) {
	const [[output]] = await runNode(eventFields, parameters, [item]);
	return output.json;
}

const everyFixture = Object.keys(triggers).flatMap((provider) =>
	providerFixtures(provider).map((entry) => ({ provider, ...entry })),
);

describe('Event Fields presets', () => {
	it.each(everyFixture)(
		'reads the same fields from the raw $provider payload $name as from its canonical event',
		async ({ provider, envelope }) => {
			const canonical = await canonicalOf(provider, envelope);
			const fromCanonical = await fieldsOf(canonical);
			const fromRaw = await fieldsOf(envelope);
			const presetsOnly = (json: IDataObject) =>
				Object.fromEntries(ALL_PRESETS.map((preset) => [preset, json[preset]]));
			expect(presetsOnly(fromRaw)).toEqual(presetsOnly(fromCanonical));
			expect(fromCanonical).toMatchObject({
				event: canonical.event,
				provider,
				senderType: (canonical.sender as IDataObject | null)?.type ?? null,
				channel: canonical.channel,
			});
		},
	);

	it.each([
		[
			'klink',
			'contact-create',
			{
				event: 'contact.created',
				tags: ['VVIP'],
				tagNames: 'VVIP',
				contactEmail: 'john@klink.cloud',
				contactPhone: '06838387278',
				senderType: null,
			},
		],
		[
			'klink',
			'message-inbound',
			{
				senderType: 'contact',
				channel: 'messenger',
				direction: 'inbound',
				text: 'Hi there',
				conversationId: '059e8ac4-50a5-4ecd-bb74-d63498ba709c',
			},
		],
		[
			'partoo',
			'message-created',
			{
				event: 'message.sent',
				senderType: 'agent',
				channel: 'messenger',
				contactEmail: 'john.doe@example.com',
			},
		],
		[
			'timelyai',
			'message-sent',
			{
				senderType: 'ai',
				senderId: 'agt_101',
				channel: 'whatsapp',
				eventId: 'evt_01HX4B3M2PGTS6YADOV8Q1XDF',
			},
		],
		[
			'timelyai',
			'message-failed',
			{
				event: 'message.failed',
				errorCode: '131026',
				errorMessage: 'Message undeliverable — number not registered on WhatsApp',
			},
		],
		[
			'dotdigital',
			'message-failed-6-email',
			{ errorCode: '606', channel: 'email', messageStatus: 'failed' },
		],
		[
			'dotdigital',
			'message-inbound-6-rcs',
			{
				mediaUrls: [expect.stringContaining('rcs-user-content-eu')],
				text: null,
				senderType: 'contact',
			},
		],
		[
			'staryaai',
			'chat-message-created-agent',
			{
				senderType: 'ai',
				channel: 'psycoai',
				text: 'Hello John! Sure, what is the order number, please?',
			},
		],
		['staryaai', 'chat-tag-appended', { event: 'tag.added', tags: ['Lead Interessado'] }],
	])('reads the %s %s fields people branch on', async (provider, name, expected) => {
		expect(await fieldsOf(fixture(provider, name))).toMatchObject(expected);
	});

	it('answers Has Tag without case, and keeps the original item fields', async () => {
		const envelope = fixture('klink', 'contact-create');
		const vip = await fieldsOf(envelope, { fields: ['hasTag'], tag: 'vvip' });
		const other = await fieldsOf(envelope, { fields: ['hasTag'], tag: 'churned' });
		expect(vip).toMatchObject({ hasTag: true, event: 'contact.create', data: envelope.data });
		expect(other.hasTag).toBe(false);
	});

	it('gives null for a field the event does not have, and an item error in strict mode', async () => {
		const envelope = fixture('klink', 'contact-create');
		expect((await fieldsOf(envelope, { fields: ['errorCode'] })).errorCode).toBeNull();
		await expect(
			runNode(eventFields, { fields: ['errorCode'], options: { strict: true } }, [envelope]),
		).rejects.toThrow('Item 0 has no "errorCode"');
	});

	it('puts the fields under a key when asked', async () => {
		const output = await fieldsOf(fixture('timelyai', 'message-sent'), {
			fields: ['senderType'],
			options: { destination: 'routing' },
		});
		expect(output.routing).toEqual({ senderType: 'ai' });
	});

	it('gives null for items that are no messaging event at all', async () => {
		expect(await fieldsOf({ hello: 'world' }, { fields: ['senderType', 'tags'] })).toEqual({
			hello: 'world',
			senderType: null,
			tags: null,
		});
	});
});

describe('Event Fields custom JSONPath', () => {
	const raw = fixture('klink', 'contact-create');
	const custom = (field: INodeParameters): INodeParameters => ({
		fields: [],
		customFields: { field: [field] },
	});

	it('evaluates filters on raw payloads and on canonical events', async () => {
		const canonical = await canonicalOf('klink', raw);
		const onRaw = await fieldsOf(
			raw,
			custom({ name: 'vip', jsonPath: "$.data.tags[?(@.name=='VVIP')].name" }),
		);
		const onCanonical = await fieldsOf(
			canonical,
			custom({ name: 'vip', jsonPath: "$.raw.data.tags[?(@.name=='VVIP')].name" }),
		);
		expect(onRaw.vip).toBe('VVIP');
		expect(onCanonical.vip).toBe('VVIP');
		const tagObjects = await fieldsOf(
			raw,
			custom({ name: 'vipTag', jsonPath: "$.data.tags[?(@.name=='VVIP')]" }),
		);
		expect(tagObjects.vipTag).toMatchObject({
			id: '4f9cdf9d-ad8f-46d9-8e37-116b8741a7fb',
			name: 'VVIP',
		});
	});

	it('returns every match as a list with All Matches, and the default when nothing matches', async () => {
		const all = await fieldsOf(
			raw,
			custom({ name: 'emails', jsonPath: '$.data.contactEmails[*].email', match: 'all' }),
		);
		expect(all.emails).toEqual(['john@klink.cloud']);
		const none = await fieldsOf(
			raw,
			custom({ name: 'company', jsonPath: '$.data.company.name', defaultValue: 'n/a' }),
		);
		expect(none.company).toBe('n/a');
		const missing = await fieldsOf(
			raw,
			custom({ name: 'company', jsonPath: '$.data.company.name' }),
		);
		expect(missing.company).toBeNull();
	});

	it.each([
		"$..[?(@.constructor.constructor('globalThis.pwned = 1')())]",
		'$[?(this.constructor.constructor("return process")().exit(7))]',
		"$..[?(require('child_process').execSync('touch /tmp/pwned'))]",
		'$..[?(@property === "__proto__" && (@.polluted = 1))]',
	])('runs no code for the JSONPath %s', async (jsonPath) => {
		/* eslint-disable @n8n/community-nodes/no-restricted-globals -- the test watches the globals an injection would touch */
		const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
		const [[output]] = await runNode(eventFields, custom({ name: 'x', jsonPath }), [raw], {
			continueOnFail: true,
		});
		expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
		expect(({} as { polluted?: number }).polluted).toBeUndefined();
		expect(exit).not.toHaveBeenCalled();
		exit.mockRestore();
		expect(output.json.x ?? null).toBeNull();
		/* eslint-enable @n8n/community-nodes/no-restricted-globals */
	});
});

describe('Event Fields robustness', () => {
	const raw = fixture('klink', 'contact-create');
	const rawData = raw.data as IDataObject;
	const vvipTag = (rawData.tags as IDataObject[])[0];
	const withNullTag = { ...raw, data: { ...rawData, tags: [null, vvipTag] } };
	const custom = (...field: INodeParameters[]): INodeParameters => ({
		fields: [],
		customFields: { field },
	});

	afterEach(() => jest.restoreAllMocks());

	it("reads the node's own placeholder over tags with a null entry", async () => {
		const customFields = eventFields.description.properties.find(
			(property) => property.name === 'customFields',
		)!;
		const [{ values }] = customFields.options as Array<{ values: INodeProperties[] }>;
		const shown = values.find((value) => value.name === 'jsonPath')!.placeholder!;
		expect(shown).toBe("e.g. $.raw.data.tags[?(@.name=='VVIP')].name");
		const placeholder = shown.replace(/^e\.g\. /, '');

		const canonical = await canonicalOf('klink', withNullTag);
		const output = await fieldsOf(
			canonical,
			custom({ name: 'vip', jsonPath: placeholder, match: 'all' }),
		);
		expect(output.vip).toEqual(['VVIP']);
	});

	it('lets a filter that fails on an element skip it, without failing the run', async () => {
		const output = await fieldsOf(
			withNullTag,
			custom(
				{ name: 'vip', jsonPath: "$.data.tags[?(@.name.toLowerCase() == 'vvip')].name" },
				{ name: 'called', jsonPath: '$.data.tags[?(@.name())]', match: 'all' },
			),
		);
		expect(output.vip).toBe('VVIP');
		expect(output.called).toEqual([]);
	});

	it('leaves the input item as it was, whatever the filters call', async () => {
		const item = await canonicalOf('klink', raw);
		const before = structuredClone(item);
		const attempts = [
			'$.raw.data[?(@.reverse && @.reverse())]',
			'$..[?(@.splice && @.splice(0))]',
			"$.raw.data.tags[?(@root.tags.push('hacked'))]",
			'$..[?(@.sort && @.sort())]',
			"$.raw.data.tags[?(@.name = 'changed')]",
		];
		const [[output]] = await runNode(
			eventFields,
			{
				fields: ['tags'],
				customFields: {
					field: attempts.map((path, index) => ({ name: `attempt${index}`, jsonPath: path })),
				},
			},
			[item],
		);
		expect(item).toEqual(before);
		expect(output.json.tags).toEqual(['VVIP']);
		expect(output.json.raw).toEqual(raw);
	});

	it('fails the run once, before reading any item, when a JSONPath is invalid', async () => {
		const compile = jest.spyOn(jsonPath, 'compileJsonPath');
		const normalize = jest.spyOn(deliveryPipeline, 'normalizeEnvelopes');
		const parameters = {
			fields: ['event'],
			customFields: { field: [{ name: 'vip', jsonPath: '$.data.tags[?(@.name==)].name' }] },
		};
		await expect(runNode(eventFields, parameters, [raw, raw, raw])).rejects.toThrow(
			'Custom field "vip": "$.data.tags[?(@.name==)].name" is not a valid JSONPath: in [?(@.name==)]: Expected expression after ==',
		);
		expect(compile).toHaveBeenCalledTimes(1);
		expect(normalize).not.toHaveBeenCalled();

		const [output] = await runNode(eventFields, parameters, [raw, raw], {
			continueOnFail: true,
		});
		// Each item passes on untouched, with the error beside it (n8n's Continue On Fail).
		expect(output.map(({ json, pairedItem }) => ({ json, pairedItem }))).toEqual([
			{ json: raw, pairedItem: { item: 0 } },
			{ json: raw, pairedItem: { item: 1 } },
		]);
		expect(output.map(({ error }) => error?.message)).toEqual([
			'Custom field "vip": "$.data.tags[?(@.name==)].name" is not a valid JSONPath: in [?(@.name==)]: Expected expression after ==',
			'Custom field "vip": "$.data.tags[?(@.name==)].name" is not a valid JSONPath: in [?(@.name==)]: Expected expression after ==',
		]);
	});

	it('refuses a custom field without an output name', async () => {
		await expect(
			runNode(eventFields, custom({ name: '', jsonPath: '$.event' }), [raw]),
		).rejects.toThrow('Custom field 1 has no output name');
	});

	it('reads every parameter for each item, and gives only a failing item an error under continue on fail', async () => {
		const parameters = {
			fields: ['hasTag'],
			tag: '={{ $json.wanted }}',
			customFields: { field: [{ name: 'picked', jsonPath: '={{ $json.path }}' }] },
		};
		const items = [
			{ ...raw, wanted: 'vvip', path: '$.data.name' },
			{ ...raw, wanted: 'vvip', path: '$.data.tags[0' },
			{ ...raw, wanted: 'churned', path: '$.data.channel' },
		];
		const [output] = await runNode(eventFields, parameters, items, { continueOnFail: true });
		expect(output.map(({ json, error }) => [json.hasTag, json.picked, error?.message])).toEqual([
			[true, 'John', undefined],
			[
				undefined,
				undefined,
				'Custom field "picked": "$.data.tags[0" is not a valid JSONPath: "]" is missing at the end',
			],
			[false, 'whatsapp', undefined],
		]);
		expect(output[1].json).toEqual(items[1]);
		expect(output.map(({ pairedItem }) => pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		await expect(runNode(eventFields, parameters, items)).rejects.toThrow(
			'Custom field "picked": "$.data.tags[0" is not a valid JSONPath',
		);
	});

	it('normalizes a raw item once, however many presets it reads', async () => {
		const normalize = jest.spyOn(deliveryPipeline, 'normalizeEnvelopes');
		const everyField = { fields: [...ALL_PRESETS, 'hasTag'], tag: 'VVIP' };
		const [output] = await runNode(eventFields, everyField, [
			raw,
			fixture('timelyai', 'message-sent'),
		]);
		expect(output.map(({ json }) => [json.event, json.hasTag])).toEqual([
			['contact.created', true],
			['message.sent', false],
		]);
		expect(normalize).toHaveBeenCalledTimes(2);

		const canonical = await canonicalOf('klink', raw);
		normalize.mockClear();
		await runNode(eventFields, everyField, [canonical]);
		expect(normalize).not.toHaveBeenCalled();
	});
});

describe('Event Fields on items that only look like canonical events', () => {
	const lookalike = {
		event: 'message.received',
		providerEvent: 'message.inbound',
		provider: 'klink',
		raw: {},
	};

	it.each([
		['tags that are a string', { tags: 'VVIP' }],
		['tags with null entries', { tags: [null, 'VVIP', 7] }],
		['no tags at all', {}],
		['media that is an object', { message: { media: {} } }],
		['media with null entries', { message: { media: [null, { url: 'https://x.test/a.png' }] } }],
		['a message that is a string', { message: 'hello' }],
	])('reads %s without failing the run', async (_case, fields) => {
		const [output] = await runNode(
			eventFields,
			{ fields: ['tags', 'tagNames', 'hasTag', 'mediaUrls'], tag: 'vvip' },
			[{ ...lookalike, ...fields }],
		);
		expect(output).toHaveLength(1);
		expect(output[0].error).toBeUndefined();
	});

	it('keeps only text tags and real media URLs', async () => {
		const [output] = await runNode(
			eventFields,
			{ fields: ['tags', 'tagNames', 'hasTag', 'mediaUrls'], tag: 'vvip' },
			[
				{
					...lookalike,
					tags: [null, 'VVIP', 7, 'new'],
					message: { media: [null, { url: 'https://x.test/a.png' }, { url: 5 }] },
				},
			],
		);
		expect(output[0].json).toMatchObject({
			tags: ['VVIP', 'new'],
			tagNames: 'VVIP, new',
			hasTag: true,
			mediaUrls: ['https://x.test/a.png'],
		});
	});
});
