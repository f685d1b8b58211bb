import type { CanonicalFields, EventMedia, SenderType } from '../../canonicalEvent';
import {
	asList,
	asRecord,
	asText,
	firstText,
	normalizeChannel,
	pick,
	pickText,
	toIsoTimestamp,
	type JsonRecord,
} from '../../envelopeReading';
import { findEventDefinition, matchByFields, type RecognisedEvent } from '../../messagingProvider';
import type { ProviderDefinition } from '../../providerDefinition';
import { staryaAiEvents } from './events';
import { staryaAiEnvelopeSchema, staryaAiEventSchemas } from './schema';

/**
 * What each event's `data` looks like, for events whose shape is unmistakable. StaryaAI's
 * own example of `chat.tag.appended` is labelled `chat.message.status.updated`, so the
 * name alone cannot be trusted.
 */
const EVENT_SHAPES: ReadonlyArray<[string, (data: JsonRecord) => boolean]> = [
	['chat.tag.appended', (data) => 'tagName' in data || 'tagId' in data],
	['chat.message.status.updated', (data) => 'messageId' in data && 'status' in data],
	['chat.message.created', (data) => asRecord(data.chat) !== null && asRecord(data.from) !== null],
	['user.updated', (data) => asRecord(data.oldState) !== null],
];

/** `from.type` → sender. StaryaAI's agents are its AI agents; a mediator is a human who steps in. */
const SENDER_TYPES = new Map<string, SenderType>([
	['user', 'contact'],
	['agent', 'ai'],
	['mediator', 'agent'],
]);

const STATUS_EVENTS = new Map([
	['delivered', 'message.delivered'],
	['read', 'message.read'],
	['failed', 'message.failed'],
]);

export const staryaAiProvider: ProviderDefinition = {
	id: 'staryaai',
	displayName: 'StaryaAI',
	trigger: {
		name: 'staryaAiTrigger',
		description:
			'Starts the workflow on StaryaAI (formerly PsycoAI) webhook events: users, chats, messages, tags',
		icon: 'staryaai',
		setupNotice:
			"StaryaAI does not sign its webhooks and has no webhook API: give StaryaAI this node's Production URL with a secret header (or Basic auth) and set the same values in the credential. With None, anyone who knows the URL can start this workflow.",
	},
	authentication: {
		choices: [
			{ method: 'headerAuth', description: 'A secret header StaryaAI sends with each delivery' },
			{ method: 'basicAuth' },
			{ method: 'none' },
		],
		default: 'headerAuth',
	},
	versionOneCredential: 'staryaAiWebhookApi',
	deliveryRetries: { retriesOn: 'none', source: 'https://docs.starya.ai/reference/event-schema' },
	events: staryaAiEvents,
	envelopeSchema: staryaAiEnvelopeSchema,
	eventSchemas: staryaAiEventSchemas,
	recogniseEvent: recogniseByNameAndShape,
	matchEnvelope(envelope) {
		const match = matchByFields(staryaAiProvider, envelope, ['event', 'data'], 'event');
		if (match !== 'shape') return match;
		const name = String(envelope.event);
		return /^(user|chat)\./.test(name) && !('event_id' in envelope) ? 'shape' : 'no';
	},
	toCanonicalFields(envelope, { providerEvent }) {
		const data = asRecord(envelope.data) ?? {};
		const common: CanonicalFields = { occurredAt: toIsoTimestamp(envelope.timestamp) };
		switch (providerEvent) {
			case 'user.created':
			case 'user.updated':
			case 'user.deleted':
				return { ...common, contact: userContact(data) };
			case 'chat.created':
			case 'chat.deleted':
				return {
					...common,
					conversationId: pickText(data, 'id'),
					contact: idOnlyContact(data.userId),
				};
			case 'chat.message.created':
				return {
					...messageFields(data),
					occurredAt: toIsoTimestamp(data.timestamp) ?? common.occurredAt,
				};
			case 'chat.message.status.updated':
				return {
					...statusFields(data),
					occurredAt: toIsoTimestamp(data.timestamp) ?? common.occurredAt,
				};
			case 'chat.tag.appended':
				return {
					...common,
					conversationId: pickText(data, 'chatId'),
					tags: [pickText(data, 'tagName')].filter((name): name is string => name !== null),
				};
			default:
				return common;
		}
	},
};

function recogniseByNameAndShape(envelope: JsonRecord): RecognisedEvent | null {
	const name = asText(envelope.event);
	if (name === null) return null;
	const named = findEventDefinition(staryaAiProvider, name);
	const data = asRecord(envelope.data);
	if (!named || !data) return { providerEvent: name, definition: named };

	const ownShape = EVENT_SHAPES.find(([event]) => event === name)?.[1];
	if (ownShape?.(data)) return { providerEvent: name, definition: named };
	const shapedAs = EVENT_SHAPES.find(([event, matches]) => event !== name && matches(data))?.[0];
	if (!shapedAs) return { providerEvent: name, definition: named };
	return {
		providerEvent: shapedAs,
		definition: findEventDefinition(staryaAiProvider, shapedAs),
		problems: [`the envelope is named "${name}" but its data is shaped like "${shapedAs}"`],
	};
}

function userContact(data: JsonRecord) {
	return {
		id: pickText(data, 'id'),
		name: pickText(data, 'name'),
		phone: pickText(data, 'phone'),
		email: pickText(data, 'email'),
	};
}

function idOnlyContact(id: unknown) {
	const text = asText(id);
	return text === null ? null : { id: text, name: null, phone: null, email: null };
}

function messageFields(data: JsonRecord): CanonicalFields {
	const chat = asRecord(data.chat) ?? {};
	const from = asRecord(data.from) ?? {};
	const senderType = SENDER_TYPES.get(pickText(from, 'type') ?? '') ?? null;
	const fromUser = senderType === 'contact';
	const userId = firstText(chat.userId, fromUser ? from.userId : null);
	const media = mediaOf(asRecord(data.content) ?? {});
	return {
		event: fromUser ? 'message.received' : 'message.sent',
		channel: normalizeChannel(pick(data, 'platform', 'type')),
		direction: fromUser ? 'inbound' : 'outbound',
		conversationId: pickText(chat, 'id'),
		contact: idOnlyContact(userId),
		message: {
			id: pickText(data, 'id'),
			text: pickText(data, 'content', 'text'),
			type: media.length > 0 ? 'image' : 'text',
			status: null,
			media,
		},
		sender: senderType
			? {
					type: senderType,
					id: fromUser ? userId : firstText(from.agentId, from.userId, chat.agentId),
					name: null,
				}
			: null,
	};
}

/** `content.image[]` are StaryaAI file ids; `content.medias[]` are links. */
function mediaOf(content: JsonRecord): EventMedia[] {
	const images = asList(content.image).map((image) => ({
		url: null,
		mimeType: 'image/*',
		name: pickText(image, 'fileId'),
	}));
	const links = asList(content.medias).map((link) => ({
		url: asText(link),
		mimeType: null,
		name: null,
	}));
	return [...images, ...links];
}

function statusFields(data: JsonRecord): CanonicalFields {
	const status = pickText(data, 'status')?.toLowerCase() ?? null;
	const failed = data.error === true || status === 'failed';
	return {
		event: failed ? 'message.failed' : (STATUS_EVENTS.get(status ?? '') ?? 'message.updated'),
		conversationId: pickText(data, 'chatId'),
		contact: idOnlyContact(data.userId),
		message: { id: pickText(data, 'messageId'), text: null, type: null, status, media: [] },
		error: failed
			? { code: asText(data.error) ?? null, message: pickText(data, 'errorMessage') }
			: null,
	};
}
