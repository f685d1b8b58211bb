import type {
	ICredentialType,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeType,
} from 'n8n-workflow';

import { EventFields } from '../nodes/EventFields/EventFields.node';
import { EventNormalizer } from '../nodes/EventNormalizer/EventNormalizer.node';
import { repositoryFile } from './support/fixtures';
import { PACKAGE_CREDENTIALS, TRIGGER_NODES } from './support/triggerNodes';

const triggers: INodeType[] = Object.values(TRIGGER_NODES);
const nodes: INodeType[] = [...triggers, new EventFields(), new EventNormalizer()];
const credentials: ICredentialType[] = PACKAGE_CREDENTIALS;

type Option = INodePropertyOptions | INodeProperties | INodePropertyCollection;

/** Every parameter, nested ones included (collections, fixed collections). */
function allParameters(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => [
		property,
		...((property.options ?? []) as Option[]).flatMap((option) => {
			if ('values' in option) return allParameters(option.values);
			if ('type' in option) return allParameters([option]);
			return [];
		}),
	]);
}

function choices(property: INodeProperties): INodePropertyOptions[] {
	return ((property.options ?? []) as Option[]).filter(
		(option): option is INodePropertyOptions => 'value' in option,
	);
}

const descriptionsOf = (properties: INodeProperties[]) =>
	allParameters(properties).flatMap((property) => [
		property.description,
		...choices(property).map((choice) => choice.description),
	]);

const texts = {
	descriptions: [
		...nodes.flatMap((node) => [
			node.description.description,
			...descriptionsOf(node.description.properties),
		]),
		...credentials.flatMap((credential) => descriptionsOf(credential.properties)),
	].filter((text): text is string => typeof text === 'string'),
	parameters: [
		...nodes.flatMap((node) => allParameters(node.description.properties)),
		...credentials.flatMap((credential) => allParameters(credential.properties)),
	],
};

describe('UI text, per n8n node UI guidelines', () => {
	it('starts every description with a capital letter', () => {
		expect(texts.descriptions.filter((text) => !/^[A-Z]/.test(text))).toEqual([]);
	});

	it('ends a one-sentence description without a period', () => {
		const oneSentence = texts.descriptions.filter((text) => !/[.!?] [A-Z]/.test(text));
		expect(oneSentence.filter((text) => text.endsWith('.'))).toEqual([]);
	});

	it('starts example placeholders with "e.g."', () => {
		const examples = texts.parameters
			.filter((parameter) => !['collection', 'fixedCollection'].includes(parameter.type))
			.map((parameter) => parameter.placeholder)
			.filter((placeholder): placeholder is string => typeof placeholder === 'string');
		expect(examples.length).toBeGreaterThan(0);
		expect(examples.filter((placeholder) => !placeholder.startsWith('e.g. '))).toEqual([]);
	});

	it('describes every boolean with "Whether"', () => {
		const booleans = texts.parameters.filter((parameter) => parameter.type === 'boolean');
		expect(booleans.length).toBeGreaterThan(0);
		for (const parameter of booleans) expect(parameter.description).toMatch(/^Whether /);
	});

	it('accepts no expression in the mode selectors of the nodes', () => {
		// Normalize Messaging Event's Provider is data, not a mode: items from a queue may name
		// their provider in a field (`{{ $json.source }}`), read item by item.
		const modes = nodes
			.flatMap((node) => allParameters(node.description.properties))
			.filter((parameter) => parameter.type === 'options' && parameter.name !== 'provider')
			.map((parameter) => [parameter.name, parameter.noDataExpression]);
		expect(modes).toContainEqual(['authentication', true]);
		expect(modes.filter(([, noDataExpression]) => noDataExpression !== true)).toEqual([]);
	});
});

describe("the triggers' actions in the editor's node panel", () => {
	// n8n lists the options of a trigger's "Trigger On" parameter as its actions, labelled by `action`.
	const actionsOf = (trigger: INodeType) => {
		const triggerOn = trigger.description.properties.find(
			(property) => property.displayName === 'Trigger On',
		)!;
		return choices(triggerOn).map((choice) => choice.action);
	};

	it('reads as sentences for K-LINK', () => {
		expect(actionsOf(TRIGGER_NODES.klink)).toEqual([
			'On any event',
			'On any contact event',
			'On any message event',
			'On contact create',
			'On contact update',
			'On message inbound',
			'On message outbound',
		]);
	});

	it('splits camel-case and underscored names into words', () => {
		expect(actionsOf(TRIGGER_NODES.dotdigital)).toEqual(
			expect.arrayContaining([
				'On any conversation message event',
				'On conversation participant typing off',
				'On profile devices updated',
			]),
		);
		expect(actionsOf(TRIGGER_NODES.partoo)).toEqual(
			expect.arrayContaining(['On any business event', 'On message created', 'On lead received']),
		);
		expect(actionsOf(TRIGGER_NODES.staryaai)).toContain('On chat message status updated');
	});

	it('gives every event of every trigger an action', () => {
		for (const trigger of triggers) {
			const actions = actionsOf(trigger);
			expect(actions.filter((action) => !/^On [a-z]+( [a-z0-9]+)*$/.test(action ?? ''))).toEqual(
				[],
			);
			expect(new Set(actions).size).toBe(actions.length);
		}
	});
});

describe('the codex files n8n reads next to each node', () => {
	const codexOf = (folder: string) =>
		JSON.parse(repositoryFile(`nodes/${folder}/${folder}.node.json`)) as {
			node: string;
			alias: string[];
			resources: Record<string, Array<{ url: string }>>;
		};

	it.each([
		['DotdigitalTrigger', ['Comapi', 'CPaaS', 'Enterprise Communications']],
		['StaryaAiTrigger', ['PsycoAI', 'Starya']],
		['TimelyAiTrigger', ['Timely']],
		['KlinkTrigger', ['KLINK']],
		['EventNormalizer', ['K-LINK', 'Partoo', 'Timely.ai', 'Dotdigital CPaaS', 'StaryaAI']],
	])('%s is found in the node panel by the names it is also known by', (folder, names) => {
		expect(codexOf(folder).alias).toEqual(expect.arrayContaining(names));
	});

	it.each(nodes.map((node) => [node.description.name, node] as const))(
		'document %s, and its credential when it has one',
		(name, node) => {
			const folder = name[0].toUpperCase() + name.slice(1);
			const codex = codexOf(folder);
			expect(codex.node).toBe(`n8n-nodes-messaging-triggers.${name}`);
			expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
			if (node.description.credentials?.length) {
				expect(codex.resources.credentialDocumentation[0].url).toMatch(/^https:\/\//);
			}
			expect(codex.alias.length).toBeGreaterThan(0);
		},
	);
});
