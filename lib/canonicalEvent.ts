/** The one event shape every trigger emits (see README, "The canonical event"). */

export const SENDER_TYPES = ['contact', 'agent', 'ai', 'automation', 'api', 'system'] as const;
export type SenderType = (typeof SENDER_TYPES)[number];

export type Direction = 'inbound' | 'outbound';

/** Canonical event types; provider-specific names outside this list pass through unchanged. */
export const CANONICAL_EVENT_TYPES = [
	'message.received',
	'message.sent',
	'message.delivered',
	'message.read',
	'message.failed',
	'message.expired',
	'message.updated',
	'contact.created',
	'contact.updated',
	'contact.deleted',
	'conversation.created',
	'conversation.assigned',
	'conversation.closed',
	'conversation.reopened',
	'conversation.deleted',
	'tag.added',
	'channel.connected',
	'channel.disconnected',
	'channel.error',
] as const;

export interface EventContact {
	id: string | null;
	name: string | null;
	phone: string | null;
	email: string | null;
}

export interface EventMedia {
	url: string | null;
	mimeType: string | null;
	name: string | null;
}

export interface EventMessage {
	id: string | null;
	text: string | null;
	type: string | null;
	status: string | null;
	media: EventMedia[];
}

export interface EventSender {
	type: SenderType;
	id: string | null;
	name: string | null;
}

export interface EventError {
	code: string | null;
	message: string | null;
}

export interface CanonicalEvent {
	event: string;
	providerEvent: string;
	/** The id of the provider's definition (lib/providers/<id>). */
	provider: string;
	eventId: string;
	occurredAt: string | null;
	channel: string | null;
	direction: Direction | null;
	conversationId: string | null;
	contact: EventContact | null;
	message: EventMessage | null;
	sender: EventSender | null;
	tags: string[];
	error: EventError | null;
	problems: string[];
	/** True when the provider marked the delivery as a test (its `testDeliveryHeader`). */
	testDelivery: boolean;
	raw: unknown;
}

/** What a provider's mapping fills in; the engine supplies identity, defaults, problems and raw. */
export type CanonicalFields = Partial<
	Pick<
		CanonicalEvent,
		| 'event'
		| 'eventId'
		| 'occurredAt'
		| 'channel'
		| 'direction'
		| 'conversationId'
		| 'contact'
		| 'message'
		| 'sender'
		| 'tags'
		| 'error'
	>
>;

type JsonType = 'object' | 'array' | 'string' | 'boolean';

/** A JSON Schema, as much of it as describes the canonical event. */
export interface JsonSchema {
	type: JsonType;
	/**
	 * Null is allowed too (OpenAPI's keyword): n8n's editor reads `type` alone, and shows an
	 * object's fields only when `type` is exactly `object`.
	 */
	nullable?: true;
	description?: string;
	enum?: readonly string[];
	properties?: Readonly<Record<string, JsonSchema>>;
	items?: JsonSchema;
}

const text = (description: string): JsonSchema => ({ type: 'string', nullable: true, description });

const nullableObject = <Fields>(
	description: string,
	properties: Record<keyof Fields, JsonSchema>,
): JsonSchema => ({
	type: 'object',
	nullable: true,
	description,
	properties,
});

/**
 * The canonical event's fields, types and meanings: what the editor previews as a node's
 * output before its first event (the build writes it beside each node, in `__schema__/`).
 */
export const CANONICAL_EVENT_SCHEMA = {
	type: 'object',
	properties: {
		event: { type: 'string', description: 'Canonical event type, e.g. message.received' },
		providerEvent: { type: 'string', description: "The provider's own event name" },
		provider: { type: 'string', description: 'The provider that sent the event' },
		eventId: {
			type: 'string',
			description: "The provider's event ID, else a stable hash of the payload",
		},
		occurredAt: text('When it happened, ISO 8601 in UTC'),
		channel: text('whatsapp, sms, messenger, instagram, email, webchat…'),
		direction: {
			type: 'string',
			nullable: true,
			description: 'inbound (from the contact) or outbound',
		},
		conversationId: text('Room, chat or conversation ID'),
		contact: nullableObject<EventContact>('The contact the event is about', {
			id: text('Contact ID'),
			name: text('Contact name'),
			phone: text('Phone number'),
			email: text('E-mail address'),
		}),
		message: nullableObject<EventMessage>('The message, for message events', {
			id: text('Message ID'),
			text: text('Message text'),
			type: text('text, image, audio…'),
			status: text('sent, delivered, read, failed…'),
			media: {
				type: 'array',
				description: 'Attachments',
				items: {
					type: 'object',
					properties: {
						url: text('Link to the file'),
						mimeType: text('MIME type'),
						name: text('File name'),
					} satisfies Record<keyof EventMedia, JsonSchema>,
				},
			},
		}),
		sender: nullableObject<EventSender>('Who sent the message', {
			type: {
				type: 'string',
				enum: SENDER_TYPES,
				description: 'contact, agent, ai, automation, api or system',
			},
			id: text('Sender ID'),
			name: text('Sender name'),
		}),
		tags: { type: 'array', description: 'Tag names', items: { type: 'string' } },
		error: nullableObject<EventError>('Why a message failed', {
			code: text('Error code'),
			message: text('Error message'),
		}),
		problems: {
			type: 'array',
			description: "What did not match the provider's documentation",
			items: { type: 'string' },
		},
		testDelivery: { type: 'boolean', description: 'Whether the provider marked it as a test' },
		raw: { type: 'object', description: "The provider's payload, untouched" },
	} satisfies Record<keyof CanonicalEvent, JsonSchema>,
} as const satisfies JsonSchema;
