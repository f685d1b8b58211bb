import { CANONICAL_EVENT_SCHEMA, type CanonicalEvent, type JsonSchema } from './canonicalEvent';
import { asList, asRecord } from './envelopeReading';
import { normalizeEnvelopes } from './deliveryPipeline';
import { detectProvider, PROVIDER_IDS, providerById } from './providerRegistry';
import { listOfWords } from './words';

/**
 * The provider envelope carried by an item: the item itself, or the `body` of an item that
 * came from n8n's Webhook node (`{ headers, params, query, body }`).
 */
export function envelopeOfItem(json: unknown): unknown {
	const record = asRecord(json);
	if (record && asRecord(record.headers) && (asRecord(record.body) || Array.isArray(record.body)))
		return record.body;
	return json;
}

function isCanonicalEvent(json: unknown): json is CanonicalEvent {
	const record = asRecord(json);
	return (
		record !== null &&
		typeof record.event === 'string' &&
		typeof record.providerEvent === 'string' &&
		typeof record.provider === 'string' &&
		providerById(record.provider) !== undefined &&
		'raw' in record
	);
}

/**
 * The canonical event an item stands for: itself when a trigger already emitted it, else its
 * raw provider envelope normalized by the same engine the triggers use.
 */
export function canonicalEventOfItem(json: unknown): CanonicalEvent | undefined {
	if (isCanonicalEvent(json)) return json;
	const envelope = envelopeOfItem(json);
	const provider = detectProvider(envelope);
	return provider ? normalizeEnvelopes(provider, [envelope])[0] : undefined;
}

export interface FieldPreset {
	name: string;
	value: string;
	description: string;
	/** Whether the value is a list of text; otherwise it is text. */
	list?: true;
	read(event: CanonicalEvent): unknown;
}

/** The fields people branch on, read from the canonical event. */
export const FIELD_PRESETS: readonly FieldPreset[] = [
	{
		value: 'event',
		name: 'Event',
		description: 'Canonical event type, such as message.received',
		read: (e) => e.event,
	},
	{
		value: 'providerEvent',
		name: 'Provider Event',
		description: "The provider's own event name",
		read: (e) => e.providerEvent,
	},
	{
		value: 'provider',
		name: 'Provider',
		description: `Which provider sent it: ${listOfWords(PROVIDER_IDS)}`,
		read: (e) => e.provider,
	},
	{
		value: 'eventId',
		name: 'Event ID',
		description:
			"The provider's event ID, or a stable hash of the payload; the key to drop duplicates by",
		read: (e) => e.eventId,
	},
	{
		value: 'senderType',
		name: 'Sender Type',
		description: 'Who sent it: contact, agent, ai, automation, api or system',
		read: (e) => e.sender?.type,
	},
	{
		value: 'senderId',
		name: 'Sender ID',
		description: 'Who sent the message',
		read: (e) => e.sender?.id,
	},
	{
		value: 'channel',
		name: 'Channel',
		description: 'Channel in lower case, such as whatsapp, sms, messenger or email',
		read: (e) => e.channel,
	},
	{
		value: 'direction',
		name: 'Direction',
		description: 'Inbound (from the contact) or outbound',
		read: (e) => e.direction,
	},
	{
		value: 'text',
		name: 'Message Text',
		description: 'The text of the message',
		read: (e) => e.message?.text,
	},
	{
		value: 'messageId',
		name: 'Message ID',
		description: 'The message the event is about',
		read: (e) => e.message?.id,
	},
	{
		value: 'messageStatus',
		name: 'Message Status',
		description: 'Delivery status, such as sent, delivered, read or failed',
		read: (e) => e.message?.status,
	},
	{
		value: 'tags',
		name: 'Tags',
		description: 'Tag names, as a list',
		list: true,
		read: (e) => tagsOf(e),
	},
	{
		value: 'tagNames',
		name: 'Tag Names (Joined)',
		description: 'Tag names joined with ", "',
		read: (e) => (tagsOf(e).length ? tagsOf(e).join(', ') : undefined),
	},
	{
		value: 'errorCode',
		name: 'Error Code',
		description: "The provider's or channel's error code",
		read: (e) => e.error?.code,
	},
	{
		value: 'errorMessage',
		name: 'Error Message',
		description: 'Why sending failed',
		read: (e) => e.error?.message,
	},
	{
		value: 'contactId',
		name: 'Contact ID',
		description: "The contact's ID at the provider",
		read: (e) => e.contact?.id,
	},
	{
		value: 'contactName',
		name: 'Contact Name',
		description: "The contact's name",
		read: (e) => e.contact?.name,
	},
	{
		value: 'contactPhone',
		name: 'Contact Phone',
		description: "The contact's phone number",
		read: (e) => e.contact?.phone,
	},
	{
		value: 'contactEmail',
		name: 'Contact Email',
		description: "The contact's e-mail address",
		read: (e) => e.contact?.email,
	},
	{
		value: 'conversationId',
		name: 'Conversation ID',
		description: 'Room, chat or conversation ID',
		read: (e) => e.conversationId,
	},
	{
		value: 'mediaUrls',
		name: 'Media URLs',
		description: 'Links to the attachments, as a list',
		list: true,
		read: (e) => {
			const media = asList(asRecord(e.message)?.media);
			const urls = media
				.map((entry) => asRecord(entry)?.url)
				.filter((url): url is string => typeof url === 'string' && url.length > 0);
			return urls.length ? urls : undefined;
		},
	},
];

const presetsByValue = new Map(FIELD_PRESETS.map((preset) => [preset.value, preset]));

/** A preset field of an item's canonical event, or undefined when it has no such field. */
export function readPreset(event: CanonicalEvent | undefined, preset: string): unknown {
	const reader = presetsByValue.get(preset);
	if (!event || !reader) return undefined;
	const value = reader.read(event);
	return value === null ? undefined : value;
}

/**
 * The node's output for a trigger's canonical event: the event with the chosen fields added
 * (null where the event has none; Has Tag is true or false).
 */
export function eventFieldsOutputSchema(presets: readonly string[]): JsonSchema {
	const added = presets.map((value): [string, JsonSchema] => {
		if (value === 'hasTag') return [value, { type: 'boolean', description: 'Has Tag' }];
		const preset = presetsByValue.get(value);
		const description = preset?.name;
		return preset?.list
			? [value, { type: 'array', nullable: true, description, items: { type: 'string' } }]
			: [value, { type: 'string', nullable: true, description }];
	});
	return {
		...CANONICAL_EVENT_SCHEMA,
		properties: { ...CANONICAL_EVENT_SCHEMA.properties, ...Object.fromEntries(added) },
	};
}

/** Whether the canonical event carries a tag, compared without case. */
export function hasTag(event: CanonicalEvent | undefined, tag: string): boolean {
	const wanted = tag.trim().toLowerCase();
	return event !== undefined && tagsOf(event).some((name) => name.toLowerCase() === wanted);
}

/**
 * The tag names of an event. An item that looks like a canonical event may come from
 * anywhere (a Raw Payload Only trigger passes the sender's JSON on), so only text counts.
 */
function tagsOf(event: CanonicalEvent): string[] {
	return asList(event.tags).filter((tag): tag is string => typeof tag === 'string');
}
