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
export function compileEventSelection(selected: unknown): EventSelection {
	// An expression may give one name instead of a list.
	const list: unknown[] = Array.isArray(selected) ? selected : [selected];
	const entries = list.filter(
		(entry): entry is string => typeof entry === 'string' && entry.length > 0,
	);
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
	/** The label of this choice in the editor's list of the trigger's actions ("On …"). */
	action: string;
}

/** The Events multi-select of a trigger: all, one wildcard per family, then every catalogued event. */
export function eventOptions(provider: Pick<MessagingProvider, 'events'>): EventOption[] {
	const families = [...new Set(provider.events.map((definition) => definition.family))];
	const wildcards = families.map((family) => ({
		name: `All ${titleCase(words(family))} Events`,
		value: `${family}.*`,
		description: `Every ${words(family)} event, including ones the provider adds later`,
		action: `On any ${words(family)} event`,
	}));
	const events = provider.events.map((definition: EventDefinition) => ({
		name: definition.name,
		value: definition.name,
		description: definition.description,
		action: `On ${words(definition.name)}`,
	}));
	return [
		{
			name: 'All Events',
			value: ALL_EVENTS,
			description:
				'Every event the provider sends; a webhook the node registers itself subscribes to the listed ones',
			action: 'On any event',
		},
		...wildcards.sort(byName),
		...events.sort(byName),
	];
}

function byName(a: EventOption, b: EventOption): number {
	return a.name.localeCompare(b.name);
}

/** An event or family name as lower-case words: `conversation.participantTypingOff` → `conversation participant typing off`. */
function words(name: string): string {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.split(/[._\s-]+/)
		.join(' ')
		.toLowerCase();
}

function titleCase(text: string): string {
	return text.replace(
		/(^|\s)(\w)/g,
		(_match, gap: string, letter: string) => gap + letter.toUpperCase(),
	);
}
