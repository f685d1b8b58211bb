/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-require-imports -- reads the built package's schema files; not part of the published package */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import type { INodeType } from 'n8n-workflow';

import { messagingProviders } from '../lib/providerRegistry';
import { expectedEvent, expectedEventNames, repositoryFile } from './support/fixtures';

const ROOT = join(__dirname, '..');
const manifest = JSON.parse(repositoryFile('package.json')) as { n8n: { nodes: string[] } };

interface Schema {
	type: string;
	nullable?: boolean;
	enum?: string[];
	properties?: Record<string, Schema>;
	items?: Schema;
}

/** The built node as n8n loads it, and the folder n8n looks for its `__schema__/` in. */
function builtNode(file: string): { node: INodeType; folder: string } {
	const className = basename(file).split('.')[0];
	const module = require(join(ROOT, file)) as Record<string, new () => INodeType>;
	return { node: new module[className](), folder: join(ROOT, dirname(file)) };
}

const schemaOf = (folder: string, file: string) =>
	JSON.parse(readFileSync(join(folder, '__schema__', file), 'utf8')) as Schema;

// Written from the README's "The canonical event", not from lib/canonicalEvent.ts.
const CANONICAL_FIELDS = [
	'event',
	'providerEvent',
	'provider',
	'eventId',
	'occurredAt',
	'channel',
	'direction',
	'conversationId',
	'contact',
	'message',
	'sender',
	'tags',
	'error',
	'problems',
	'testDelivery',
	'raw',
];

/** Where `value` does not fit `schema`: every property present, none unknown, types and enums kept. */
function mismatches(value: unknown, schema: Schema, path = '$'): string[] {
	const types = schema.nullable ? [schema.type, 'null'] : [schema.type];
	const type = value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as string);
	if (!types.includes(type)) return [`${path}: ${type}, not ${types.join(' or ')}`];
	if (schema.enum && !schema.enum.includes(value as string))
		return [`${path}: "${String(value)}" not in ${schema.enum.join(', ')}`];
	if (type === 'array' && schema.items)
		return (value as unknown[]).flatMap((entry, index) =>
			mismatches(entry, schema.items!, `${path}[${index}]`),
		);
	if (type !== 'object' || !schema.properties) return [];
	const record = value as Record<string, unknown>;
	const unknown = Object.keys(record)
		.filter((key) => !(key in schema.properties!))
		.map((key) => `${path}.${key}: not in the schema`);
	return [
		...unknown,
		...Object.entries(schema.properties).flatMap(([key, property]) =>
			key in record
				? mismatches(record[key], property, `${path}.${key}`)
				: [`${path}.${key}: missing`],
		),
	];
}

describe.each(manifest.n8n.nodes)('the output schema of %s', (file) => {
	const { node, folder } = builtNode(file);
	const versions = [node.description.version].flat();

	it('is built for every version the node declares, where n8n looks for it', () => {
		expect(readdirSync(join(folder, '__schema__')).sort()).toEqual(
			versions.map((version) => `v${version}.0.0.json`).sort(),
		);
	});

	it('lists the canonical event: contact.name, sender.type and the rest', () => {
		for (const version of versions) {
			const schema = schemaOf(folder, `v${version}.0.0.json`);
			expect(Object.keys(schema.properties!)).toEqual(expect.arrayContaining(CANONICAL_FIELDS));
			expect(schema.properties!.contact).toMatchObject({ type: 'object', nullable: true });
			expect(schema.properties!.contact.properties!.name).toMatchObject({
				type: 'string',
				nullable: true,
			});
			expect(schema.properties!.sender.properties!.type).toMatchObject({
				type: 'string',
				enum: ['contact', 'agent', 'ai', 'automation', 'api', 'system'],
			});
			expect(Object.keys(schema.properties!.message.properties!)).toEqual([
				'id',
				'text',
				'type',
				'status',
				'media',
			]);
		}
	});
});

describe("the triggers' and Normalize Messaging Event's output schema", () => {
	const schema = schemaOf(
		builtNode('dist/nodes/EventNormalizer/EventNormalizer.node.js').folder,
		'v1.0.0.json',
	);

	it('has exactly the canonical fields', () => {
		expect(Object.keys(schema.properties!)).toEqual(CANONICAL_FIELDS);
	});

	it('fits every hand-written expected event of every provider', () => {
		const misfits = messagingProviders.flatMap(({ id }) =>
			expectedEventNames(id).flatMap((name) =>
				mismatches(expectedEvent(id, name), schema).map((issue) => `${id}/${name} ${issue}`),
			),
		);
		expect(misfits).toEqual([]);
	});

	it('is the same file for every trigger version', () => {
		const text = (file: string, version: string) =>
			readFileSync(join(builtNode(file).folder, '__schema__', version), 'utf8');
		const normalizer = text('dist/nodes/EventNormalizer/EventNormalizer.node.js', 'v1.0.0.json');
		for (const file of manifest.n8n.nodes.filter((entry) => entry.includes('Trigger/')))
			for (const version of [builtNode(file).node.description.version].flat())
				expect(text(file, `v${version}.0.0.json`)).toBe(normalizer);
	});

	it('reports a field of the wrong type, a missing field and an unknown one', () => {
		const event = { ...expectedEvent('klink', expectedEventNames('klink')[0]) } as Record<
			string,
			unknown
		>;
		event.tags = 'VVIP';
		delete event.sender;
		event.senderType = 'contact';
		expect(mismatches(event, schema)).toEqual([
			'$.senderType: not in the schema',
			'$.sender: missing',
			'$.tags: string, not array',
		]);
	});
});

describe("Event Fields' output schema", () => {
	it('is the canonical event with the fields the node adds by default', () => {
		const schema = schemaOf(
			builtNode('dist/nodes/EventFields/EventFields.node.js').folder,
			'v1.0.0.json',
		);
		// Defaults: Event, Sender Type, Channel; two of them are canonical fields already.
		expect(Object.keys(schema.properties!)).toEqual([...CANONICAL_FIELDS, 'senderType']);
		expect(schema.properties!.senderType).toMatchObject({ type: 'string', nullable: true });
	});
});
