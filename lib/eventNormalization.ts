import { createHash } from 'node:crypto';
import type { ZodIssue, ZodTypeAny } from 'zod';

import type { CanonicalEvent, CanonicalFields } from './canonicalEvent';
import { envelopeShape, ProblemList, validationView, type EnvelopeShape } from './deliveryLimits';
import { asRecord } from './envelopeReading';
import type { MessagingProvider, RecognisedEvent } from './messagingProvider';

/** The provider event name given to a JSON value that is not an envelope at all. */
export const UNRECOGNISED_EVENT = 'unrecognised';

/** An envelope read from a delivery, with what it was recognised as. */
export interface RecognisedEnvelope {
	envelope: unknown;
	recognised: RecognisedEvent;
}

/** Recognises one JSON value from a delivery; never throws. */
export function recogniseEnvelope(
	provider: MessagingProvider,
	envelope: unknown,
): RecognisedEnvelope {
	const record = asRecord(envelope);
	if (!record) {
		return {
			envelope,
			recognised: {
				providerEvent: UNRECOGNISED_EVENT,
				problems: ['the envelope is not a JSON object'],
			},
		};
	}
	try {
		const recognised = provider.recogniseEvent(record);
		if (recognised) return { envelope, recognised };
	} catch {
		// Recognition reads untrusted JSON; a provider bug must not lose the event.
	}
	return {
		envelope,
		recognised: {
			providerEvent: UNRECOGNISED_EVENT,
			problems: ['the envelope has no event name where the provider documents one'],
		},
	};
}

/**
 * Turns a recognised envelope into the canonical event. Never drops: whatever does not fit
 * the documented schema is listed in `problems`. The envelope must already be bounded in
 * depth (see `boundNesting`); `shape` says whether its schema check looks at a cut view.
 */
export function toCanonicalEvent(
	provider: MessagingProvider,
	{ envelope, recognised }: RecognisedEnvelope,
	testDelivery = false,
	shape: EnvelopeShape = envelopeShape(envelope),
	boundingProblems: readonly string[] = [],
): CanonicalEvent {
	const problems = new ProblemList();
	problems.addAll(recognised.problems ?? []);
	problems.addAll(boundingProblems);
	if (!recognised.definition && recognised.providerEvent !== UNRECOGNISED_EVENT) {
		problems.add(
			`"${truncate(recognised.providerEvent)}" is not in the ${provider.displayName} event catalogue`,
		);
	}

	const record = asRecord(envelope);
	let fields: CanonicalFields = {};
	if (record) {
		const schema = schemaFor(provider, recognised.providerEvent);
		for (const issue of schemaIssues(schema, validationView(record, shape)))
			problems.add(() => describeIssue(issue));
		try {
			fields = provider.toCanonicalFields(record, recognised);
		} catch {
			problems.add('the envelope could not be mapped to the canonical event');
		}
	}

	return canonicalEvent(provider, recognised, envelope, testDelivery, fields, problems.toArray());
}

/**
 * The event emitted for an envelope whose normalization failed outright (a provider bug, or
 * an envelope too large to work on): its name when known, its raw part, and what failed.
 */
export function unnormalizedEvent(
	provider: MessagingProvider,
	recognised: RecognisedEvent,
	raw: unknown,
	failure: unknown,
	testDelivery = false,
): CanonicalEvent {
	const kind = failure instanceof Error ? failure.name : typeof failure;
	return canonicalEvent(provider, recognised, raw, testDelivery, {}, [
		`the envelope could not be normalized (${kind}); it is emitted as received`,
	]);
}

function canonicalEvent(
	provider: MessagingProvider,
	recognised: RecognisedEvent,
	raw: unknown,
	testDelivery: boolean,
	fields: CanonicalFields,
	problems: string[],
): CanonicalEvent {
	return {
		event: fields.event ?? recognised.definition?.canonical ?? recognised.providerEvent,
		providerEvent: recognised.providerEvent,
		provider: provider.id,
		eventId: fields.eventId ?? contentHash(raw),
		occurredAt: fields.occurredAt ?? null,
		channel: fields.channel ?? null,
		direction: fields.direction ?? null,
		conversationId: fields.conversationId ?? null,
		contact: fields.contact ?? null,
		message: fields.message ?? null,
		sender: fields.sender ?? null,
		tags: fields.tags ?? [],
		error: fields.error ?? null,
		problems,
		testDelivery,
		raw,
	};
}

function schemaFor(provider: MessagingProvider, providerEvent: string): ZodTypeAny {
	const schemas = provider.eventSchemas;
	return schemas && Object.prototype.hasOwnProperty.call(schemas, providerEvent)
		? schemas[providerEvent]
		: provider.envelopeSchema;
}

/**
 * What does not match the schema. zod wraps the issues in an Error, whose stack trace is
 * the costliest part of checking a small envelope: it is not captured.
 */
function schemaIssues(schema: ZodTypeAny, value: unknown): ZodIssue[] {
	const stackTraceLimit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	try {
		const validation = schema.safeParse(value);
		return validation.success ? [] : closestVariantIssues(validation.error.issues);
	} finally {
		Error.stackTraceLimit = stackTraceLimit;
	}
}

/** Where a schema offers documented variants (a union), the issues of the one the value came closest to. */
function closestVariantIssues(issues: ZodIssue[]): ZodIssue[] {
	return issues.flatMap((issue) => {
		if (issue.code !== 'invalid_union' || issue.unionErrors.length === 0) return [issue];
		const closest = issue.unionErrors.reduce((best, candidate) =>
			candidate.issues.length < best.issues.length ? candidate : best,
		);
		return closestVariantIssues(closest.issues);
	});
}

/**
 * A schema issue as text that names the field and what was expected, never the value
 * that was found there (payloads carry personal data).
 */
export function describeIssue(issue: ZodIssue): string {
	const path = issue.path.length > 0 ? issue.path.join('.') : 'envelope';
	switch (issue.code) {
		case 'invalid_type':
			return issue.received === 'undefined'
				? `${path}: required ${issue.expected} is missing`
				: `${path}: expected ${issue.expected}, got ${issue.received}`;
		case 'invalid_enum_value':
		case 'invalid_literal':
			return `${path}: not one of the documented values`;
		case 'invalid_string':
		case 'invalid_date':
			return `${path}: not in the documented format`;
		default:
			return `${path}: does not match the documented schema`;
	}
}

/** A stable id for envelopes that carry none: the same JSON gives the same id. */
export function contentHash(value: unknown): string {
	let serialized: string;
	try {
		serialized = JSON.stringify(value) ?? 'undefined';
	} catch {
		// Nested too deep for JSON.stringify's recursion: hash the outer levels instead.
		serialized = boundedSerialization(value, 64);
	}
	return createHash('sha256').update(serialized).digest('hex').slice(0, 32);
}

/** JSON of the first `depth` levels of a value, deeper parts replaced by a marker. */
function boundedSerialization(value: unknown, depth: number): string {
	if (depth === 0) return '"…"';
	if (Array.isArray(value))
		return `[${value.map((element) => boundedSerialization(element, depth - 1)).join(',')}]`;
	const record = asRecord(value);
	if (record) {
		const members = Object.keys(record).map(
			(key) => `${JSON.stringify(key)}:${boundedSerialization(record[key], depth - 1)}`,
		);
		return `{${members.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

function truncate(text: string): string {
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
