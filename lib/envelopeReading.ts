/**
 * Total readers over untrusted JSON: every function accepts anything and returns a value of
 * its declared type or null, so a mapping never throws on a payload that breaks its schema.
 */

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | null {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as JsonRecord)
		: null;
}

export function asList(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

/** Reads a nested value by keys; own properties only, so `__proto__` or `constructor` never resolve. */
export function pick(value: unknown, ...keys: string[]): unknown {
	let current: unknown = value;
	for (const key of keys) {
		const record = asRecord(current);
		if (!record || !Object.prototype.hasOwnProperty.call(record, key)) return undefined;
		current = record[key];
	}
	return current;
}

/** A non-empty string, or a finite number as a string; anything else is null. */
export function asText(value: unknown): string | null {
	if (typeof value === 'string') return value.length > 0 ? value : null;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

export function pickText(value: unknown, ...keys: string[]): string | null {
	return asText(pick(value, ...keys));
}

/** The first argument that is usable text. */
export function firstText(...values: unknown[]): string | null {
	for (const value of values) {
		const text = asText(value);
		if (text !== null) return text;
	}
	return null;
}

const ISO_WITH_LONG_FRACTION =
	/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * ISO 8601 in UTC from the timestamp shapes providers send: ISO with 0–9 fraction digits
 * (nanoseconds), a space instead of `T`, epoch seconds or milliseconds.
 */
export function toIsoTimestamp(value: unknown): string | null {
	if (typeof value === 'number' && Number.isFinite(value)) {
		const date = new Date(value > 1e11 ? value : value * 1000);
		return Number.isNaN(date.getTime()) ? null : date.toISOString();
	}
	if (typeof value !== 'string' || value.length > 64) return null;
	const match = ISO_WITH_LONG_FRACTION.exec(value.trim());
	if (!match) return null;
	const [, day, time, fraction = '', zone = 'Z'] = match;
	const millis = fraction ? `.${fraction.slice(1, 4).padEnd(3, '0')}` : '';
	const date = new Date(`${day}T${time}${millis}${zone.toUpperCase()}`);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const CHANNEL_ALIASES = new Map<string, string>(
	Object.entries({
		fbmessenger: 'messenger',
		facebook: 'messenger',
		facebookmessenger: 'messenger',
		whatsappbusiness: 'whatsapp',
		instagramdirect: 'instagram',
		widget: 'webchat',
		livechat: 'webchat',
		mail: 'email',
		voice: 'call',
	}),
);

/** Lower-case channel name with known aliases folded (`fbMessenger` → `messenger`). */
export function normalizeChannel(value: unknown): string | null {
	const text = asText(value);
	if (text === null) return null;
	const key = text.toLowerCase().replace(/[\s_-]/g, '');
	return CHANNEL_ALIASES.get(key) ?? key;
}

/** Tag names from a list of strings or of `{ name }` objects. */
export function tagNames(tags: unknown): string[] {
	return asList(tags)
		.map((tag) => (typeof tag === 'string' ? tag : pickText(tag, 'name')))
		.filter((name): name is string => typeof name === 'string' && name.length > 0);
}
