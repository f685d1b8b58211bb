import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { normalizeEnvelopes } from '../../lib/deliveryPipeline';
import { envelopeOfItem } from '../../lib/eventFields';
import { detectProvider, messagingProviders, providerById } from '../../lib/providerRegistry';
import { listOfWords } from '../../lib/words';

/** The display names of every registered provider, as a list in words. */
const providerNames = listOfWords(messagingProviders.map(({ displayName }) => displayName));

/** The node's subtitle on the canvas for each Provider choice. */
const providerSubtitles: Record<string, string> = {
	auto: 'Detect Provider',
	...Object.fromEntries(messagingProviders.map((provider) => [provider.id, provider.displayName])),
};

export class EventNormalizer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Normalize Messaging Event',
		name: 'eventNormalizer',
		icon: { light: 'file:eventNormalizer.svg', dark: 'file:eventNormalizer.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{(${JSON.stringify(providerSubtitles)})[$parameter["provider"]]}}`,
		description: `Turns ${providerNames} webhook payloads that arrived another way (Webhook node, queue, database, file) into the canonical messaging event`,
		defaults: {
			name: 'Normalize Messaging Event',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Provider',
				name: 'provider',
				type: 'options',

				default: 'auto',
				options: [
					{ name: 'Detect From the Payload', value: 'auto' },
					...messagingProviders.map((provider) => ({
						name: provider.displayName,
						value: provider.id,
					})),
				],
				description: 'Who sent the payloads. Detection looks at the shape of each payload.',
			},
			{
				displayName: 'Payload Field',
				name: 'payloadField',
				type: 'string',
				default: '',
				placeholder: 'e.g. body',
				description:
					"Where the provider's payload is in each item. Empty: the item itself, or its body when it comes from n8n's Webhook node. A JSON string is parsed.",
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const payloadField = this.getNodeParameter('payloadField', itemIndex, '') as string;
				const chosen = this.getNodeParameter('provider', itemIndex, 'auto') as string;
				const payload = parsedPayload(
					payloadField
						? items[itemIndex].json[payloadField]
						: envelopeOfItem(items[itemIndex].json),
				);
				const provider = chosen === 'auto' ? detectProvider(payload) : providerById(chosen);
				if (chosen !== 'auto' && !provider) {
					throw new NodeOperationError(this.getNode(), `"${chosen}" is not a known provider`, {
						itemIndex,
						description: `Provider must be auto or one of: ${messagingProviders.map(({ id }) => id).join(', ')}.`,
					});
				}
				if (!provider || typeof payload !== 'object' || payload === null) {
					throw new NodeOperationError(
						this.getNode(),
						`Item ${itemIndex} is not a payload of a supported messaging provider`,
						{
							itemIndex,
							description: payloadField
								? `Its "${payloadField}" field is not a ${providerNames} webhook payload.`
								: 'Choose the provider, or set "Payload Field" to where the payload is in the item.',
						},
					);
				}
				const envelopes = Array.isArray(payload) ? payload : [payload];
				for (const event of normalizeEnvelopes(provider, envelopes)) {
					output.push({ json: event as unknown as IDataObject, pairedItem: { item: itemIndex } });
				}
			} catch (error) {
				if (!this.continueOnFail())
					throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	}
}

/** Payloads read from files or queues often arrive as JSON text. */
function parsedPayload(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch {
		return value;
	}
}
