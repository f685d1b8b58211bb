import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { FIELD_PRESETS, hasTag, readPreset } from '../../lib/eventFields';
import { queryJsonPath } from '../../lib/jsonPath';

interface CustomField {
	name: string;
	jsonPath: string;
	match: 'first' | 'all';
	defaultValue?: string;
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
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const json = items[itemIndex].json;
			try {
				const presets = this.getNodeParameter('fields', itemIndex, []) as string[];
				const custom =
					(this.getNodeParameter('customFields.field', itemIndex, []) as CustomField[]) ?? [];
				const { strict = false, destination = '' } = this.getNodeParameter(
					'options',
					itemIndex,
					{},
				) as {
					strict?: boolean;
					destination?: string;
				};
				const missing = (field: string) => {
					if (strict) {
						throw new NodeOperationError(this.getNode(), `Item ${itemIndex} has no "${field}"`, {
							itemIndex,
						});
					}
					return null;
				};

				const fields: IDataObject = {};
				for (const preset of presets) {
					if (preset === 'hasTag') {
						fields.hasTag = hasTag(json, this.getNodeParameter('tag', itemIndex, '') as string);
						continue;
					}
					fields[preset] =
						(readPreset(json, preset) as IDataObject[keyof IDataObject]) ?? missing(preset);
				}
				for (const { name, jsonPath, match, defaultValue } of custom) {
					const result = queryJsonPath(json, jsonPath);
					if (!result.ok)
						throw new NodeOperationError(this.getNode(), result.reason, { itemIndex });
					const fallback = defaultValue ? defaultValue : null;
					if (match === 'all') {
						fields[name] = result.matches.length
							? (result.matches as IDataObject[])
							: (fallback ?? missing(name) ?? []);
					} else {
						fields[name] = result.matches.length
							? (result.matches[0] as IDataObject)
							: (fallback ?? missing(name));
					}
				}
				const merged = destination ? { ...json, [destination]: fields } : { ...json, ...fields };
				output.push({ json: merged, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (!this.continueOnFail())
					throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				output.push({
					json: { ...json, error: (error as Error).message },
					pairedItem: { item: itemIndex },
				});
			}
		}
		return [output];
	}
}
