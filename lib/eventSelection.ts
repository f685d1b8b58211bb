import type { EventDefinition, MessagingProvider, RecognisedEvent } from './messagingProvider';

/** The Events option value that selects everything, including names we do not know yet. */
export const ALL_EVENTS = '*';

export interface EventSelection {
	matches(recognised: RecognisedEvent): boolean;
}

/**
 * Compiles the node's Events setting once per delivery. Entries are exact provider event
 * names, `*` for all, or `<family>.*` which matches by family, by name prefix (`message.` or
 * `message_`) and by canonical type, so wildcards also catch events that are not catalogued.
 */
export function compileEventSelection(selected: readonly string[] | undefined): EventSelection {
	const entries = (selected ?? []).filter((entry) => typeof entry === 'string' && entry.length > 0);
	if (entries.length === 0 || entries.includes(ALL_EVENTS)) return { matches: () => true };

	const exactNames = new Set(entries.filter((entry) => !entry.endsWith('.*')));
	const families = entries
		.filter((entry) => entry.endsWith('.*'))
		.map((entry) => entry.slice(0, -2));

	return {
		matches({ providerEvent, definition }) {
			if (exactNames.has(providerEvent)) return true;
			return families.some(
				(family) =>
					definition?.family === family ||
					providerEvent.startsWith(`${family}.`) ||
					providerEvent.startsWith(`${family}_`) ||
					(definition?.canonical ?? '').startsWith(`${family}.`),
			);
		},
	};
}

/** The catalogued events a selection covers, e.g. to register exactly those at the provider. */
export function selectedCatalogueEvents(
	provider: Pick<MessagingProvider, 'events'>,
	selected: readonly string[] | undefined,
): string[] {
	const selection = compileEventSelection(selected);
	return provider.events
		.filter((definition) => selection.matches({ providerEvent: definition.name, definition }))
		.map((definition) => definition.name);
}

export interface EventOption {
	name: string;
	value: string;
	description: string;
}

/** The Events multi-select of a trigger: all, one wildcard per family, then every catalogued event. */
export function eventOptions(provider: Pick<MessagingProvider, 'events'>): EventOption[] {
	const families = [...new Set(provider.events.map((definition) => definition.family))];
	const wildcards = families.map((family) => ({
		name: `All ${capitalize(family)} Events (${family}.*)`,
		value: `${family}.*`,
		description: `Every ${family} event, including ones added by the provider later`,
	}));
	const events = provider.events.map((definition: EventDefinition) => ({
		name: definition.name,
		value: definition.name,
		description: definition.description,
	}));
	return [
		{
			name: 'All Events (*)',
			value: ALL_EVENTS,
			description: 'Every event, including names not listed here',
		},
		...wildcards.sort(byName),
		...events.sort(byName),
	];
}

function byName(a: EventOption, b: EventOption): number {
	return a.name.localeCompare(b.name);
}

function capitalize(text: string): string {
	return text.replace(
		/(^|[\s_-])(\w)/g,
		(_match, gap: string, letter: string) => gap + letter.toUpperCase(),
	);
}
