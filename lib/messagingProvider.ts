import type { ZodTypeAny } from 'zod';

import type { CanonicalFields } from './canonicalEvent';
import type { HmacSignatureScheme } from './deliveryAuthentication';
import type { JsonRecord } from './envelopeReading';

/** One event a provider documents. */
export interface EventDefinition {
	/** The provider's own event name, as it appears in the envelope. */
	name: string;
	/** The canonical type it maps to when that does not depend on the payload. */
	canonical: string;
	/** `message`, `contact`, `conversation`… the `<family>.*` wildcard selects all of a family. */
	family: string;
	description: string;
}

/** The event a delivery's envelope turned out to be. `definition` is absent for names we do not know. */
export interface RecognisedEvent {
	providerEvent: string;
	definition?: EventDefinition;
	/** Why recognition disagreed with the envelope's own name, if it did. */
	problems?: string[];
}

/**
 * Everything the engine needs to know about one provider. A provider is data plus one
 * mapping function; it never touches HTTP, n8n or another provider.
 */
export interface MessagingProvider {
	/** Lower-case letters only: the folder name under lib/providers/ and the canonical event's `provider`. */
	id: string;
	displayName: string;
	events: readonly EventDefinition[];
	/** The envelope as documented; a mismatch is reported in `problems`, never a rejection. */
	envelopeSchema: ZodTypeAny;
	/** Stricter whole-envelope schemas for events whose `data` shape is documented. */
	eventSchemas?: Readonly<Record<string, ZodTypeAny>>;
	/** Where the provider signs deliveries with a shared secret, if it does. */
	hmacSignature?: HmacSignatureScheme;
	/** Where the provider signs deliveries with its own Ed25519 key (public key chosen by the node). */
	ed25519SignatureHeader?: string;
	/** A header whose presence marks a test delivery sent from the provider's settings. */
	testDeliveryHeader?: string;
	/** The envelope's event name; providers whose names lie may look at the shape too. */
	recogniseEvent(envelope: JsonRecord): RecognisedEvent | null;
	/** Maps a recognised envelope to canonical fields; must not throw on any JSON. */
	toCanonicalFields(envelope: JsonRecord, recognised: RecognisedEvent): CanonicalFields;
}

const catalogueIndexes = new WeakMap<readonly EventDefinition[], Map<string, EventDefinition>>();

/** Looks an event name up in a provider's catalogue (indexed once per catalogue). */
export function findEventDefinition(
	provider: Pick<MessagingProvider, 'events'>,
	name: string,
): EventDefinition | undefined {
	let index = catalogueIndexes.get(provider.events);
	if (!index) {
		index = new Map(provider.events.map((definition) => [definition.name, definition]));
		catalogueIndexes.set(provider.events, index);
	}
	return index.get(name);
}

/** The usual recognition: the event name is a string field of the envelope. */
export function recogniseByNameField(
	provider: Pick<MessagingProvider, 'events'>,
	envelope: JsonRecord,
	field: string,
): RecognisedEvent | null {
	const name = envelope[field];
	if (typeof name !== 'string' || name.length === 0) return null;
	return { providerEvent: name, definition: findEventDefinition(provider, name) };
}

/**
 * The usual shape check: the envelope has all of `fields`; it is certainly this provider's
 * when the event name in `nameField` is in its catalogue.
 */
export function matchByFields(
	provider: Pick<MessagingProvider, 'events'>,
	envelope: JsonRecord,
	fields: readonly string[],
	nameField: string,
): 'no' | 'shape' | 'certain' {
	if (!fields.every((field) => field in envelope)) return 'no';
	const name = envelope[nameField];
	return typeof name === 'string' && findEventDefinition(provider, name) ? 'certain' : 'shape';
}
