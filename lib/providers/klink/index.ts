import type { CanonicalFields, EventContact, EventMedia } from '../../canonicalEvent';
import {
	asList,
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
import { klinkEvents } from './events';
import { klinkEnvelopeSchema, klinkEventSchemas } from './schema';

export const klinkProvider: ProviderDefinition = {
	id: 'klink',
	displayName: 'K-LINK',
	trigger: {
		name: 'klinkTrigger',
		description: 'Starts the workflow when K-LINK sends a contact or message webhook event',
		icon: 'klink',
		setupNotice:
			"K-LINK has no webhook API: copy this node's Production URL into K-LINK → Settings → Webhooks → Add webhook (use the Development environment with the Test URL), tick the same events, and choose the same authentication as below",
	},
	authentication: {
		choices: [
			{
				method: 'signature',
				name: 'Signature (Default by K-LINK)',
				description:
					"HMAC-SHA256 of the body in the x-signature header, with the webhook's signing secret",
			},
			{ method: 'basicAuth' },
			{ method: 'headerAuth', name: 'Custom Header' },
			{ method: 'none' },
		],
		default: 'signature',
	},
	credential: { type: 'klinkSignatureApi', signingSecretField: 'signingSecret' },
	versionOneCredential: 'klinkWebhookApi',
	deliveryRetries: {
		retriesOn: 'none',
		source: 'https://docs.klink.cloud/integrations/webhook-integration-guide',
	},
	events: klinkEvents,
	envelopeSchema: klinkEnvelopeSchema,
	eventSchemas: klinkEventSchemas,
	// "Default by K-LINK" signing. K-LINK does not say which bytes are signed; HMAC-SHA256
	// of the raw body as hex is what its 64-hex-character x-signature implies.
	hmacSignature: { header: 'x-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
	recogniseEvent: (envelope) => recogniseByNameField(klinkProvider, envelope, 'event'),
	matchEnvelope(envelope) {
		const match = matchByFields(klinkProvider, envelope, ['event', 'data'], 'event');
		if (match !== 'shape') return match;
		// An unknown event in K-LINK's families; K-LINK envelopes carry no event_id.
		const name = String(envelope.event);
		return /^(contact|message|room)\./.test(name) && !('event_id' in envelope) ? 'shape' : 'no';
	},
	toCanonicalFields(envelope, { providerEvent }) {
		const data = asRecord(envelope.data) ?? {};
		const common: CanonicalFields = { occurredAt: toIsoTimestamp(envelope.timestamp) };
		if (providerEvent.startsWith('contact.')) return { ...common, ...contactFields(data) };
		if (providerEvent.startsWith('message.'))
			return { ...common, ...messageFields(data, providerEvent) };
		return { ...common, tags: tagNames(data.tags) };
	},
};

function contactFields(data: JsonRecord): CanonicalFields {
	return {
		channel: normalizeChannel(data.channel),
		contact: {
			id: pickText(data, 'id'),
			name: pickText(data, 'name'),
			phone: primaryValue(data.contactPhones, 'phone'),
			email: primaryValue(data.contactEmails, 'email'),
		},
		tags: tagNames(data.tags),
	};
}

function messageFields(data: JsonRecord, providerEvent: string): CanonicalFields {
	const room = asRecord(data.room) ?? {};
	const outbound =
		providerEvent === 'message.outbound' ||
		(providerEvent !== 'message.inbound' && pickText(data, 'direction') === 'outgoing');
	const contact: EventContact = {
		id: pickText(data, 'contactId'),
		name: platformContactName(room),
		phone: null,
		email: null,
	};
	const senderId = pickText(data, 'senderId');
	return {
		channel: normalizeChannel(
			firstText(pick(room, 'channel', 'type'), pick(room, 'cxLog', 'channel')),
		),
		direction: outbound ? 'outbound' : 'inbound',
		conversationId: firstText(data.roomId, room.id),
		contact,
		message: {
			id: pickText(data, 'id'),
			text: pickText(data, 'message'),
			type: pickText(data, 'type'),
			status: pickText(data, 'readAt') ? 'read' : null,
			media: attachments(data.attachments),
		},
		sender: outbound
			? { type: senderId ? 'agent' : 'system', id: senderId, name: agentName(room, senderId) }
			: { type: 'contact', id: contact.id, name: contact.name },
		tags: tagNames(data.tags),
	};
}

/** The primary entry of K-LINK's `contactPhones` / `contactEmails`, else the first. */
function primaryValue(entries: unknown, field: 'phone' | 'email'): string | null {
	const list = asList(entries);
	const primary = list.find((entry) => pick(entry, 'isPrimary') === true) ?? list[0];
	return pickText(primary, field);
}

/** The contact's name on the channel, from the room's platform contact. */
function platformContactName(room: JsonRecord): string | null {
	const platformContact = asList(room.platformContact)[0] ?? room.platformContact;
	return firstText(pick(platformContact, 'metadata', 'name'), pick(platformContact, 'name'));
}

/** The agent who sent an outbound message: the room's assignee or actor with that id. */
function agentName(room: JsonRecord, senderId: string | null): string | null {
	if (!senderId) return null;
	const agent = [room.assignee, room.actor].find(
		(candidate) => pickText(candidate, 'id') === senderId,
	);
	return pickText(agent, 'name');
}

/** K-LINK documents `attachments` only as "Array/null": read the usual field names. */
function attachments(value: unknown): EventMedia[] {
	return asList(value).map((attachment) => ({
		url: firstText(
			attachment,
			pick(attachment, 'url'),
			pick(attachment, 'fileUrl'),
			pick(attachment, 'link'),
		),
		mimeType: firstText(
			pick(attachment, 'mimeType'),
			pick(attachment, 'mimetype'),
			pick(attachment, 'contentType'),
		),
		name: firstText(
			pick(attachment, 'name'),
			pick(attachment, 'fileName'),
			pick(attachment, 'filename'),
		),
	}));
}
