import { asRecord, asText } from './envelopeReading';
import type { MessagingProvider } from './messagingProvider';
import { findEventDefinition } from './messagingProvider';
import { dotdigitalProvider } from './providers/dotdigital';
import { klinkProvider } from './providers/klink';
import { partooProvider } from './providers/partoo';
import { staryaAiProvider } from './providers/staryaai';
import { timelyAiProvider } from './providers/timelyai';

export const messagingProviders: readonly MessagingProvider[] = [
	klinkProvider,
	partooProvider,
	timelyAiProvider,
	dotdigitalProvider,
	staryaAiProvider,
];

export function providerById(id: string): MessagingProvider | undefined {
	return messagingProviders.find((provider) => provider.id === id);
}

/**
 * Which provider sent an envelope, from its shape: each envelope format is distinct except
 * K-LINK's and StaryaAI's (`{event, timestamp, data}`), told apart by their event names.
 */
export function detectProvider(envelope: unknown): MessagingProvider | undefined {
	const record = asRecord(Array.isArray(envelope) ? envelope[0] : envelope);
	if (!record) return undefined;
	if ('eventId' in record && 'name' in record && 'payload' in record) return dotdigitalProvider;
	if ('type' in record && 'payload' in record) return partooProvider;
	if ('event_id' in record && 'event' in record) return timelyAiProvider;
	const event = asText(record.event);
	if (event === null || !('data' in record)) return undefined;
	for (const provider of [klinkProvider, staryaAiProvider]) {
		if (findEventDefinition(provider, event)) return provider;
	}
	if (/^(user|chat)\./.test(event)) return staryaAiProvider;
	if (/^(contact|message|room)\./.test(event)) return klinkProvider;
	return undefined;
}
