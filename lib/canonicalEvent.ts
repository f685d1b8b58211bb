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
