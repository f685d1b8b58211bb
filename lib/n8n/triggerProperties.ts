import type { IHookFunctions, INodeProperties, IWebhookDescription } from 'n8n-workflow';

import {
	DEFAULT_MAX_EVENTS_PER_DELIVERY,
	MAX_EVENTS_PER_DELIVERY_CEILING,
} from '../deliveryLimits';
import { ALL_EVENTS, eventOptions } from '../eventSelection';
import type { MessagingProvider } from '../messagingProvider';
import type { AuthenticationMethod, ProviderDefinition } from '../providerDefinition';
import { RESPONSE_DATA, responseModeExpression } from './acknowledgement';
import { claimLimitsFor, MAX_REMEMBERED_EVENTS } from './eventClaims';
import {
	allInOneAuthenticationValues,
	authenticationValue,
	TRIGGER_VERSION,
} from './triggerCredentials';

/**
 * The one POST endpoint every messaging trigger listens on. Its answer follows the node's
 * Acknowledge parameter (lib/n8n/acknowledgement.ts): n8n answers on receipt, or once the
 * execution has ended, with no workflow data (`noData`: without a responseData n8n 2.x sends
 * the literal text "firstEntryJson"), and the trigger puts its own answer in.
 */
export const messagingWebhook: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: responseModeExpression,
	responseData: RESPONSE_DATA,
	path: 'webhook',
};

/**
 * n8n parses a webhook's body before the node runs, and answers a body that does not parse
 * with its own 422 quoting it with a stack trace, unless the node is at version 1 (see
 * TRIGGER_VERSION) and its `options.binaryData` is set. This hidden parameter keeps the bytes
 * for the trigger, which answers malformed bodies itself (400, a one-line reason). n8n fills
 * its default into every node that stores no `options` (a node added in the editor stores
 * none, nor does one created through the API without it); a workflow written by hand with
 * `"options": {}` on the trigger loses it: signatures are still checked over the exact bytes
 * (n8n keeps them while parsing), but a body that is not JSON gets n8n's 422 before the
 * trigger runs. `warnWhenN8nParsesTheBody` tells the owner at activation.
 */
export const rawBodyProperty: INodeProperties = {
	displayName: 'Raw Body',
	name: 'options',
	type: 'hidden',
	default: { binaryData: true },
};

/** n8n's guidelines name a trigger's event selector "Trigger On"; n8n lists its options as the node's actions. */
export function eventsProperty(provider: MessagingProvider): INodeProperties {
	return {
		displayName: 'Trigger On',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: [ALL_EVENTS],
		hint: `Deliveries of other ${provider.displayName} events are answered 200 and start no execution`,
		options: eventOptions(provider),
	};
}

/** The node's subtitle on the canvas: the chosen events, or "All Events". */
export const eventsSubtitle = `={{$parameter["events"].includes("${ALL_EVENTS}") ? "All Events" : $parameter["events"].join(", ")}}`;

const AUTHENTICATION_NAMES: Record<AuthenticationMethod, string> = {
	signature: 'Signature',
	basicAuth: 'Basic Auth',
	headerAuth: 'Header Auth',
	none: 'None',
};

export function authenticationProperty(provider: ProviderDefinition): INodeProperties {
	const current = provider.authentication.choices.map(({ method, name, description }) => ({
		name: name ?? AUTHENTICATION_NAMES[method],
		value: authenticationValue(provider, method),
		...(description ? { description } : {}),
	}));
	const allInOne = allInOneAuthenticationValues(provider).map((method) => {
		const choice = provider.authentication.choices.find((offered) => offered.method === method);
		return {
			name: `${choice?.name ?? AUTHENTICATION_NAMES[method]} (All-in-One Credential)`,
			value: method,
			description: `For triggers added before each authentication had a credential of its own: reads every value from one ${provider.displayName} Webhook API credential`,
		};
	});
	return {
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [...current, ...allInOne],
		default: authenticationValue(provider, provider.authentication.default),
		description:
			'How to tell real deliveries from forged ones. A delivery that fails this check is answered 401 and starts nothing.',
	};
}

export type TriggerOutput = 'canonical' | 'raw';

/** The Options every messaging trigger has. */
export interface TriggerOptions {
	output?: TriggerOutput;
	maxEventsPerDelivery?: number;
	timestampToleranceSeconds?: number;
	requireTimestamp?: boolean;
	/** On unless turned off: a repeated event starts no second execution (lib/n8n/eventClaims.ts). */
	skipRepeatedEvents?: boolean;
}

export const TRIGGER_OPTIONS_PARAMETER = 'additionalOptions';

/** The Options of a provider's trigger; providers that sign a timestamp get replay settings. */
export function triggerOptionsProperty(provider: ProviderDefinition): INodeProperties {
	const timestampHeader = provider.hmacSignature?.timestampHeader;
	const options = [...COMMON_TRIGGER_OPTIONS, skipRepeatedEventsOption(provider)];
	if (timestampHeader) options.push(...replayOptions(provider.displayName, timestampHeader));
	return {
		displayName: 'Options',
		name: TRIGGER_OPTIONS_PARAMETER,
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}

const COMMON_TRIGGER_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		noDataExpression: true,
		default: 'canonical',
		options: [
			{
				name: 'Canonical Event (with Raw Payload)',
				value: 'canonical',
				description:
					"The same fields for every provider (event, sender, channel, tags, error…) plus the provider's payload in 'raw'",
			},
			{
				name: 'Raw Payload Only',
				value: 'raw',
				description: "The provider's envelope exactly as received, one item per event",
			},
		],
	},
	{
		displayName: 'Max Events per Delivery',
		name: 'maxEventsPerDelivery',
		type: 'number',
		default: DEFAULT_MAX_EVENTS_PER_DELIVERY,
		typeOptions: { minValue: 1, maxValue: MAX_EVENTS_PER_DELIVERY_CEILING },
		description: `A delivery holding more events is refused with 413 and starts nothing. Dotdigital sends at most 500 per batch and retries a 413; the other providers send one event per delivery.`,
	},
];

/** For how long the trigger remembers an event, in words: "22 min", "24 h or 6 deliveries". */
export function rememberedFor(provider: ProviderDefinition): string {
	const { rememberMs, maxDeliveries } = claimLimitsFor(provider.deliveryRetries);
	const minutes = Math.round(rememberMs / 60_000);
	const time = minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
	return maxDeliveries ? `${time} or ${maxDeliveries} deliveries` : time;
}

function skipRepeatedEventsOption(provider: ProviderDefinition): INodeProperties {
	const name = provider.displayName;
	return {
		displayName: 'Skip Repeated Events',
		name: 'skipRepeatedEvents',
		type: 'boolean',
		default: true,
		description: `Whether to start no second execution for an event ${name} sends again. A repeat of an event whose execution succeeded is answered as the first time; one whose execution still runs is answered 503 once it has waited 5 s; one whose execution failed runs again.`,
		hint: `Events are remembered by their Event ID for ${rememberedFor(provider)} (${name}'s resends), up to ${MAX_REMEMBERED_EVENTS.toLocaleString('en-US')} per trigger, in the memory of the n8n process that receives the deliveries`,
	};
}

function replayOptions(providerName: string, timestampHeader: string): INodeProperties[] {
	const header = headerDisplayName(timestampHeader);
	return [
		{
			displayName: 'Timestamp Tolerance (Seconds)',
			name: 'timestampToleranceSeconds',
			type: 'number',
			default: 300,
			typeOptions: { minValue: 1 },
			description: `How far ${header} may be from now before a delivery is refused as a replay`,
		},
		{
			displayName: 'Require Timestamp',
			name: 'requireTimestamp',
			type: 'boolean',
			default: false,
			description: `Whether to refuse deliveries without ${header} and accept only signatures over the timestamp and the body. Without it, a captured delivery signed over the body alone can be replayed. Turn it on once your ${providerName} webhook sends the header (${providerName}'s docs describe both signatures).`,
		},
	];
}

/** `x-acme-timestamp` → `X-Acme-Timestamp`. */
function headerDisplayName(header: string): string {
	return header.replace(
		/(^|-)([a-z])/g,
		(_, dash: string, letter: string) => dash + letter.toUpperCase(),
	);
}

/**
 * Logs, at activation, what makes n8n parse the body before the trigger runs: a node version
 * other than 1 (a development build's version 2), or stored parameters that took
 * `options.binaryData` away (see rawBodyProperty).
 */
export function warnWhenN8nParsesTheBody(context: IHookFunctions): void {
	const node = context.getNode();
	const meta = { workflowId: context.getWorkflow().id, node: node.name };
	if (node.typeVersion !== TRIGGER_VERSION) {
		context.logger.warn(
			`"${node.name}" is at node version ${node.typeVersion}, which this package no longer has: n8n parses its bodies itself and the trigger refuses every delivery. Add the trigger again (node version ${TRIGGER_VERSION}).`,
			meta,
		);
		return;
	}
	const options = context.getNodeParameter(rawBodyProperty.name, {}) as { binaryData?: unknown };
	if (options?.binaryData === true) return;
	context.logger.warn(
		`The stored parameters of "${node.name}" set "options" without "binaryData": true. n8n will answer a body that is not JSON with its own 422 before the trigger runs. Remove "options" from the node's parameters in the workflow JSON to get the trigger's 400.`,
		meta,
	);
}

/** The node parameter that turns registration off for users who paste the URL by hand. */
export const AUTO_REGISTER_PARAMETER = 'autoRegister';

/** Off for users who register the URL at the provider by hand (no API key, or no API access). */
export function autoRegisterProperties(providerName: string): INodeProperties[] {
	return [
		{
			displayName: 'Register Webhook Automatically',
			name: AUTO_REGISTER_PARAMETER,
			type: 'boolean',
			default: true,
			description: `Whether to register this trigger's URL with ${providerName} when the workflow is activated (or listens for a test event), and remove it when deactivated`,
		},
		{
			displayName: `Copy this node's Production URL into ${providerName}'s webhook settings yourself, with the events below and the secret of the credential`,
			name: 'manualRegistrationNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { [AUTO_REGISTER_PARAMETER]: [false] } },
		},
	];
}
