import type { CanonicalFields, SenderType } from '../../canonicalEvent';
import {
	asRecord,
	firstText,
	normalizeChannel,
	pick,
	pickText,
	tagNames,
	toIsoTimestamp,
	type JsonRecord,
} from '../../envelopeReading';
import { matchByFields, recogniseByNameField } from '../../messagingProvider';
import type { ProviderDefinition } from '../../providerDefinition';
import { timelyAiRegistration } from './registration';
import { timelyAiEvents } from './events';
import { timelyAiEnvelopeSchema, timelyAiEventSchemas } from './schema';

/** `sent_by_type` (docs: agent = the AI agent, attendant = a human) → canonical sender. */
const SENDER_TYPES = new Map<string, SenderType>([
	['agent', 'ai'],
	['attendant', 'agent'],
	['api', 'api'],
	['automation', 'automation'],
]);

const MESSAGE_STATUSES = new Map([
	['message.received', 'received'],
	['message.sent', 'sent'],
	['message.delivered', 'delivered'],
	['message.read', 'read'],
	['message.failed', 'failed'],
]);

export const timelyAiProvider: ProviderDefinition = {
	id: 'timelyai',
	displayName: 'Timely.ai',
	trigger: {
		name: 'timelyAiTrigger',
		description:
			'Starts the workflow on Timely.ai webhook events: messages, conversations, contacts, channels, appointments',
		icon: 'timelyai',
	},
	authentication: {
		choices: [
			{
				method: 'signature',
				description:
					'HMAC-SHA256 in X-Timely-Signature; a stale X-Timely-Timestamp is refused as a replay (see Options → Require Timestamp)',
			},
			{ method: 'none' },
		],
		default: 'signature',
	},
	credential: { type: 'timelyAiApi', signingSecretField: 'webhookSecret' },
	registration: timelyAiRegistration,
	deliveryRetries: {
		retriesOn: 'non2xx',
		answerDeadlineSeconds: 10,
		schedule: [5, 15, 60, 300, 900],
		maxRetries: 5,
		afterGivingUp: 'marks the webhook failing',
		source: 'https://docs.timelyai.com.br/en/webhooks/overview',
	},
	events: timelyAiEvents,
	envelopeSchema: timelyAiEnvelopeSchema,
	eventSchemas: timelyAiEventSchemas,
	// The docs disagree on what is signed: the body alone, or `${X-Timely-Timestamp}.${body}`.
	// Both are accepted; a present timestamp must be fresh (docs.timelyai.com.br/en/webhooks/overview).
	hmacSignature: {
		header: 'x-timely-signature',
		algorithm: 'sha256',
		encoding: 'hex',
		prefix: 'sha256=',
		timestampHeader: 'x-timely-timestamp',
	},
	recogniseEvent: (envelope) => recogniseByNameField(timelyAiProvider, envelope, 'event'),
	matchEnvelope: (envelope) =>
		matchByFields(timelyAiProvider, envelope, ['event_id', 'event'], 'event'),
	toCanonicalFields(envelope, { providerEvent }) {
		const data = asRecord(envelope.data) ?? {};
		const contactId = firstText(
			data.contact_id,
			pick(data, 'contact', 'id'),
			providerEvent.startsWith('contact.') ? data.id : null,
		);
		const fields: CanonicalFields = {
			eventId: pickText(envelope, 'event_id') ?? undefined,
			occurredAt: toIsoTimestamp(envelope.timestamp),
			channel: normalizeChannel(firstText(data.channel_type, pick(data, 'channel', 'type'))),
			conversationId: firstText(
				data.conversation_id,
				providerEvent.startsWith('conversation.') ? data.id : null,
			),
			contact: contactId || data.phone || data.email ? contactOf(data, contactId) : null,
			tags: tagNames(data.tags ?? pick(data, 'contact', 'tags')),
			error: pickText(data, 'error_code') || pickText(data, 'error_message') ? errorOf(data) : null,
		};
		const status = MESSAGE_STATUSES.get(providerEvent);
		if (status) return { ...fields, ...messageFields(data, status, contactId) };
		return fields;
	},
};

function messageFields(
	data: JsonRecord,
	status: string,
	contactId: string | null,
): CanonicalFields {
	const inbound = status === 'received' || pickText(data, 'direction') === 'inbound';
	const mediaUrl = pickText(data, 'media_url');
	const senderType = SENDER_TYPES.get(pickText(data, 'sent_by_type') ?? '');
	return {
		direction: inbound ? 'inbound' : 'outbound',
		message: {
			id: pickText(data, 'message_id'),
			text: pickText(data, 'content'),
			type: pickText(data, 'type'),
			status,
			media: mediaUrl
				? [{ url: mediaUrl, mimeType: pickText(data, 'media_mime_type'), name: null }]
				: [],
		},
		sender: inbound
			? { type: 'contact', id: contactId, name: null }
			: senderType
				? { type: senderType, id: pickText(data, 'sent_by'), name: null }
				: null,
	};
}

function contactOf(data: JsonRecord, contactId: string | null) {
	const contact = asRecord(data.contact) ?? data;
	return {
		id: contactId,
		name: pickText(contact, 'name'),
		phone: firstText(contact.phone, contact.phone_number),
		email: pickText(contact, 'email'),
	};
}

function errorOf(data: JsonRecord) {
	return { code: pickText(data, 'error_code'), message: pickText(data, 'error_message') };
}
