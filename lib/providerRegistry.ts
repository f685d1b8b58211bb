import { asRecord } from './envelopeReading';
import type { EnvelopeMatch, ProviderDefinition } from './providerDefinition';
import { dotdigitalProvider } from './providers/dotdigital';
import { klinkProvider } from './providers/klink';
import { partooProvider } from './providers/partoo';
import { staryaAiProvider } from './providers/staryaai';
import { timelyAiProvider } from './providers/timelyai';

/** Every provider the package supports; nodes, lists and tables are derived from these. */
export const messagingProviders: readonly ProviderDefinition[] = [
	klinkProvider,
	partooProvider,
	timelyAiProvider,
	dotdigitalProvider,
	staryaAiProvider,
];

export type ProviderId = string;

export const PROVIDER_IDS: readonly ProviderId[] = messagingProviders.map(({ id }) => id);

export function providerById(id: string): ProviderDefinition | undefined {
	return messagingProviders.find((provider) => provider.id === id);
}

const MATCH_RANK: Record<EnvelopeMatch, number> = { no: 0, shape: 1, certain: 2 };

/**
 * Which provider sent an envelope (or the first of a batch), from its shape: the provider
 * most certain of it, the first registered on a tie.
 */
export function detectProvider(envelope: unknown): ProviderDefinition | undefined {
	const record = asRecord(Array.isArray(envelope) ? envelope[0] : envelope);
	if (!record) return undefined;
	let best: ProviderDefinition | undefined;
	let bestRank = 0;
	for (const provider of messagingProviders) {
		const rank = MATCH_RANK[provider.matchEnvelope(record)];
		if (rank > bestRank) [best, bestRank] = [provider, rank];
	}
	return best;
}
