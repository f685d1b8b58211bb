import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	FIELD_PRESETS,
	matchesRule,
	readRoutingField,
	type RoutingOperation,
} from '../../lib/eventFields';
import { queryJsonPath } from '../../lib/jsonPath';

interface RoutingRule {
	outputName?: string;
	field: string;
	jsonPath?: string;
	condition: RoutingOperation;
	value?: string;
}

/**
 * One output per rule, named after it, then Fallback: the canvas reads like the routing
 * table. n8n evaluates this in its expression sandbox, so it uses nothing from outside.
 */
const configuredOutputs = (parameters: INodeParameters) => {
	const rulesParameter = parameters.rules as { rule?: Array<Record<string, string>> } | undefined;
	const rules = rulesParameter && rulesParameter.rule ? rulesParameter.rule : [];
	const outputs = rules.map(function (rule, index) {
		const subject = rule.field === 'custom' ? rule.jsonPath : rule.field;
		const summary = [subject, rule.condition, rule.condition === 'exists' ? '' : rule.value]
			.join(' ')
			.trim();
		return { type: 'main', displayName: rule.outputName || summary || 'Rule ' + (index + 1) };
	});
	if (parameters.fallbackOutput !== false) outputs.push({ type: 'main', displayName: 'Fallback' });
	return outputs;
};

export class EventRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Event Router',
		name: 'eventRouter',
		icon: { light: 'file:eventRouter.svg', dark: 'file:eventRouter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{($parameter["rules"].rule || []).length + " rules"}}',
		description:
			'Routes messaging events to named outputs by sender type, event family, channel, tag, error code or any JSONPath',
		defaults: {
			name: 'Event Router',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		properties: [
			{
				displayName: 'Routing Rules',
				name: 'rules',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				placeholder: 'Add Rule',
				default: {},
				options: [
					{
						displayName: 'Rule',
						name: 'rule',
						values: [
							{
								displayName: 'Condition',
								name: 'condition',
								type: 'options',
								default: 'equals',
								options: [
									{ name: 'Contains', value: 'contains' },
									{
										name: 'Equals',
										value: 'equals',
										description: 'For a list such as Tags: one element equals',
									},
									{
										name: 'Exists',
										value: 'exists',
										description: 'The field is present and not empty',
									},
									{
										name: 'One Of',
										value: 'oneOf',
										description: 'Equals one of a comma-separated list',
									},
									{ name: 'Starts With', value: 'startsWith' },
								],
							},
							{
								displayName: 'Field',
								name: 'field',
								type: 'options',
								default: 'senderType',
								options: [
									{ name: 'Custom (JSONPath)', value: 'custom' },
									{
										name: 'Event Family',
										value: 'eventFamily',
										description: 'Message, contact, conversation, channel, tag…',
									},
									...FIELD_PRESETS.map(({ name, value, description }) => ({
										name,
										value,
										description,
									})),
								].sort((a, b) => a.name.localeCompare(b.name)),
							},
							{
								displayName: 'JSONPath',
								name: 'jsonPath',
								type: 'string',
								default: '',
								placeholder: '$.raw.data.sent_by_type',
								displayOptions: { show: { field: ['custom'] } },
							},
							{
								displayName: 'Output Name',
								name: 'outputName',
								type: 'string',
								default: '',
								placeholder: 'AI replies',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								placeholder: 'ai',
								description: 'Compared without case',
								displayOptions: { hide: { condition: ['exists'] } },
							},
						],
					},
				],
			},
			{
				displayName: 'Fallback Output',
				name: 'fallbackOutput',
				type: 'boolean',
				default: true,
				description:
					'Whether items that match no rule go to a last output named Fallback (otherwise they are dropped)',
			},
			{
				displayName: 'Send to All Matching Outputs',
				name: 'allMatchingOutputs',
				type: 'boolean',
				default: false,
				description: 'Whether an item goes to every rule it matches instead of only the first one',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const rules = (this.getNodeParameter('rules.rule', 0, []) as RoutingRule[]) ?? [];
		const fallback = this.getNodeParameter('fallbackOutput', 0, true) as boolean;
		const allMatching = this.getNodeParameter('allMatchingOutputs', 0, false) as boolean;
		const outputs: INodeExecutionData[][] = Array.from(
			{ length: rules.length + (fallback ? 1 : 0) },
			() => [],
		);

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const item = { ...items[itemIndex], pairedItem: { item: itemIndex } };
			let routed = false;
			for (const [ruleIndex, rule] of rules.entries()) {
				if (routed && !allMatching) break;
				let value: unknown;
				if (rule.field === 'custom') {
					const result = queryJsonPath(item.json, rule.jsonPath ?? '');
					if (!result.ok)
						throw new NodeOperationError(this.getNode(), result.reason, { itemIndex });
					value = result.matches;
				} else {
					value = readRoutingField(item.json, rule.field);
				}
				if (matchesRule(value, rule.condition, rule.value ?? '')) {
					outputs[ruleIndex].push(item);
					routed = true;
				}
			}
			if (!routed && fallback) outputs[rules.length].push(item);
		}
		return outputs;
	}
}
