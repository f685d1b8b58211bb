import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { canonicalEventOfItem, FIELD_PRESETS, hasTag, readPreset } from '../../lib/eventFields';
import {
	compileJsonPath,
	matchesOf,
	type CompiledJsonPath,
	type JsonPathCompilation,
} from '../../lib/jsonPath';

interface CustomField {
	name: string;
	jsonPath: string;
	match?: 'first' | 'all';
	defaultValue?: string;
}

/** The node's parameters for one item, its custom fields' JSONPaths checked. */
interface FieldSettings {
	presets: string[];
	tag: string;
	customFields: Array<CustomField & { query: CompiledJsonPath }>;
	strict: boolean;
	destination: string;
}

export class EventFields implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Event Fields',
		name: 'eventFields',
		icon: { light: 'file:eventFields.svg', dark: 'file:eventFields.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["fields"].join(", ")}}',
		description:
			"Adds the fields of a messaging event you branch on (sender type, tags, error code…) to each item, from a trigger's canonical event or a raw provider payload",
		defaults: {
			name: 'Event Fields',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'multiOptions',
				default: ['event', 'senderType', 'channel'],
				description: 'Fields to add, each under its own name (such as senderType)',
				options: [
					...FIELD_PRESETS.map(({ name, value, description }) => ({
						name,
						value,
						description,
					})),
					{
						name: 'Has Tag',
						value: 'hasTag',
						description: 'Whether the event carries the tag below (true or false)',
					},
				].sort((a, b) => a.name.localeCompare(b.name)),
			},
			{
				displayName: 'Tag',
				name: 'tag',
				type: 'string',
				default: '',
				placeholder: 'e.g. VVIP',
				description: "The tag 'Has Tag' looks for, compared without case",
				displayOptions: { show: { fields: ['hasTag'] } },
			},
			{
				displayName: 'Custom Fields',
				name: 'customFields',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Custom Field',
				default: {},
				options: [
					{
						displayName: 'Field',
						name: 'field',
						values: [
							{
								displayName: 'Output Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'e.g. vipTag',
							},
							{
								displayName: 'JSONPath',
								name: 'jsonPath',
								type: 'string',
								default: '',
								placeholder: "e.g. $.raw.data.tags[?(@.name=='VVIP')].name",
								description: 'Evaluated on the item in safe mode (no code runs)',
							},
							{
								displayName: 'Match',
								name: 'match',
								type: 'options',
								noDataExpression: true,
								default: 'first',
								options: [
									{
										name: 'First Match',
										value: 'first',
										description: 'The first value found, or the default',
									},
									{
										name: 'All Matches',
										value: 'all',
										description: 'A list, empty when nothing matches',
									},
								],
							},
							{
								displayName: 'Default Value',
								name: 'defaultValue',
								type: 'string',
								default: '',
								description: 'Used when nothing matches; empty means null',
							},
						],
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Strict',
						name: 'strict',
						type: 'boolean',
						default: false,
						description: 'Whether a missing field is an error for the item instead of null',
					},
					{
						displayName: 'Put Fields Under',
						name: 'destination',
						type: 'string',
						default: '',
						placeholder: 'e.g. fields',
						description:
							'Name of an object to add the fields to; empty adds them at the top of the item',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const compilations = new Map<string, JsonPathCompilation>();
		// Every item's settings first: an invalid JSONPath fails the run before any item is read.
		const settings = items.map((_, itemIndex) => {
			try {
				return readFieldSettings(this, itemIndex, compilations);
			} catch (error) {
				return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			}
		});
		const invalid = settings.find((entry) => entry instanceof NodeOperationError);
		if (invalid && !this.continueOnFail()) throw invalid;

		const output = items.map(({ json }, itemIndex): INodeExecutionData => {
			try {
				const itemSettings = settings[itemIndex];
				if (itemSettings instanceof NodeOperationError) throw itemSettings;
				const fields = readFields(this, json, itemSettings, itemIndex);
				const { destination } = itemSettings;
				return {
					json: destination ? { ...json, [destination]: fields } : { ...json, ...fields },
					pairedItem: { item: itemIndex },
				};
			} catch (error) {
				if (!this.continueOnFail())
					throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				// The item is passed on as it came: a canonical event has an `error` field of its own.
				return {
					json,
					error: new NodeOperationError(this.getNode(), error as Error, { itemIndex }),
					pairedItem: { item: itemIndex },
				};
			}
		});
		return [output];
	}
}

function readFieldSettings(
	context: IExecuteFunctions,
	itemIndex: number,
	compilations: Map<string, JsonPathCompilation>,
): FieldSettings {
	const presets = context.getNodeParameter('fields', itemIndex, []) as string[];
	const tag = presets.includes('hasTag')
		? (context.getNodeParameter('tag', itemIndex, '') as string)
		: '';
	const customFields =
		(context.getNodeParameter('customFields.field', itemIndex, []) as CustomField[]) ?? [];
	const { strict = false, destination = '' } = context.getNodeParameter(
		'options',
		itemIndex,
		{},
	) as { strict?: boolean; destination?: string };

	return {
		presets,
		tag,
		strict,
		destination,
		customFields: customFields.map((field, position) => {
			if (!field.name) {
				throw new NodeOperationError(
					context.getNode(),
					`Custom field ${position + 1} has no output name`,
					{ itemIndex },
				);
			}
			const path = field.jsonPath ?? '';
			let compilation = compilations.get(path);
			if (!compilation) {
				compilation = compileJsonPath(path);
				compilations.set(path, compilation);
			}
			if (!compilation.ok) {
				throw new NodeOperationError(
					context.getNode(),
					`Custom field "${field.name}": ${compilation.reason}`,
					{ itemIndex },
				);
			}
			return { ...field, query: compilation.query };
		}),
	};
}

function readFields(
	context: IExecuteFunctions,
	json: IDataObject,
	settings: FieldSettings,
	itemIndex: number,
): IDataObject {
	const missing = (field: string) => {
		if (settings.strict) {
			throw new NodeOperationError(context.getNode(), `Item ${itemIndex} has no "${field}"`, {
				itemIndex,
			});
		}
		return null;
	};

	const fields: IDataObject = {};
	const event = settings.presets.length ? canonicalEventOfItem(json) : undefined;
	for (const preset of settings.presets) {
		if (preset === 'hasTag') {
			fields.hasTag = hasTag(event, settings.tag);
			continue;
		}
		fields[preset] =
			(readPreset(event, preset) as IDataObject[keyof IDataObject]) ?? missing(preset);
	}
	for (const { name, query, match, defaultValue } of settings.customFields) {
		const matches = matchesOf(query, json) as IDataObject[];
		const fallback = defaultValue ? defaultValue : null;
		if (match === 'all') {
			fields[name] = matches.length ? matches : (fallback ?? missing(name) ?? []);
		} else {
			fields[name] = matches.length ? matches[0] : (fallback ?? missing(name));
		}
	}
	return fields;
}
