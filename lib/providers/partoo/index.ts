import type { CanonicalFields, EventMedia, SenderType } from '../../canonicalEvent';
import {
	asRecord,
	firstText,
	normalizeChannel,
	pick,
	pickText,
	toIsoTimestamp,
	type JsonRecord,
} from '../../envelopeReading';
import { matchByFields, recogniseByNameField } from '../../messagingProvider';
import type { ProviderDefinition } from '../../providerDefinition';
import { partooRegistration } from './registration';
import { partooPublicKeys } from './publicKeys';
import { partooEvents } from './events';
import { partooEnvelopeSchema, partooEventSchemas } from './schema';

export const partooProvider: ProviderDefinition = {
	id: 'partoo',
	displayName: 'Partoo',
	trigger: {
		name: 'partooTrigger',
		description:
			'Starts the workflow on Partoo Messages webhook events: messages, businesses, leads',
		icon: 'partoo',
	},
	authentication: {
		choices: [
			{
				method: 'signature',
				description:
					"Ed25519 signature in X-Partoo-Signature-v1, checked with Partoo's public key for the credential's environment",
			},
			{ method: 'none' },
		],
		default: 'signature',
	},
	credential: { type: 'partooApi' },
	registration: partooRegistration,
	// A 4xx is never retried; no answer deadline and no backoff base are documented.
	deliveryRetries: {
		retriesOn: '5xx',
		maxRetries: 5,
		source: 'https://developers.partoo.co/guides/api/resources/settings/webhooks/setup',
	},
	signingPublicKey: (credential) =>
		partooPublicKeys.get(credential.environment === 'sandbox' ? 'sandbox' : 'production'),
	events: partooEvents,
	envelopeSchema: partooEnvelopeSchema,
	eventSchemas: partooEventSchemas,
	// developers.partoo.co/guides/api/resources/settings/webhooks/security
	ed25519SignatureHeader: 'x-partoo-signature-v1',
	testDeliveryHeader: 'x-partoo-webhook-tryout',
	recogniseEvent: (envelope) => recogniseByNameField(partooProvider, envelope, 'type'),
	matchEnvelope: (envelope) => matchByFields(partooProvider, envelope, ['type', 'payload'], 'type'),
	toCanonicalFields(envelope, { providerEvent }) {
		const payload = asRecord(envelope.payload) ?? {};
		if (providerEvent.startsWith('message_')) return messageFields(payload, providerEvent);
		if (providerEvent === 'lead_received') return leadFields(payload);
		return {};
	},
};

function messageFields(payload: JsonRecord, providerEvent: string): CanonicalFields {
	const message = asRecord(payload.message) ?? {};
	const conversation = asRecord(payload.conversation) ?? {};
	const fromConsumer = pickText(message, 'sender_type')?.toLowerCase() === 'consumer';
	const contact = {
		id: null,
		name: pickText(conversation, 'consumer_name'),
		phone: pickText(conversation, 'consumer_phone_number'),
		email: pickText(conversation, 'consumer_email'),
	};
	const senderType: SenderType = fromConsumer
		? 'contact'
		: message.is_automated === true
			? 'automation'
			: 'agent';
	const contentType = pickText(message, 'content_type')?.toLowerCase() ?? null;
	return {
		// Partoo has one event for both directions: the sender says which it is.
		event:
			providerEvent === 'message_created'
				? fromConsumer
					? 'message.received'
					: 'message.sent'
				: undefined,
		occurredAt: toIsoTimestamp(message.date),
		channel: normalizeChannel(conversation.messaging_partner),
		direction: fromConsumer ? 'inbound' : 'outbound',
		conversationId: firstText(message.conversation_id, conversation.id),
		contact,
		message: {
			id: pickText(message, 'id'),
			text: contentType === 'text' ? pickText(message, 'content') : null,
			type: contentType,
			status: pickText(message, 'status')?.toLowerCase() ?? null,
			media: contentType && contentType !== 'text' ? mediaOf(message) : [],
		},
		sender: fromConsumer
			? { type: 'contact', id: null, name: contact.name }
			: {
					type: senderType,
					id: pickText(message, 'user_id'),
					name: pickText(message, 'sender_label'),
				},
	};
}

/** Non-text messages carry the file's URL as their content. */
function mediaOf(message: JsonRecord): EventMedia[] {
	const url = pickText(message, 'content');
	return url && /^https?:\/\//.test(url) ? [{ url, mimeType: null, name: null }] : [];
}

/** Partoo documents no lead payload beyond its type: read the usual contact fields. */
function leadFields(payload: JsonRecord): CanonicalFields {
	const lead = asRecord(payload.lead) ?? payload;
	return {
		contact: {
			id: pickText(lead, 'id'),
			name: firstText(
				lead.name,
				[pick(lead, 'first_name'), pick(lead, 'last_name')].filter(Boolean).join(' '),
			),
			phone: firstText(lead.phone, lead.phone_number),
			email: pickText(lead, 'email'),
		},
	};
}
