import { z } from 'zod';

const isoTimestamp = z.string();
const nullableText = z.string().nullable();

export const klinkEnvelopeSchema = z.object({
	event: z.string(),
	timestamp: isoTimestamp,
	data: z.record(z.unknown()),
});

const tagSchema = z.object({ id: z.string(), name: z.string() });

const contactDataSchema = z.object({
	id: z.string(),
	name: nullableText,
	channel: nullableText,
	contactEmails: z.array(z.object({ email: z.string(), isPrimary: z.boolean() })),
	contactPhones: z.array(z.object({ phone: z.string(), isPrimary: z.boolean() })),
	tags: z.array(tagSchema),
});

const messageDataSchema = z.object({
	id: z.string(),
	type: z.string(),
	direction: z.string(),
	message: z.string(),
	roomId: z.string(),
	senderId: nullableText,
	contactId: nullableText,
	attachments: z.array(z.unknown()).nullable(),
	room: z.object({ id: z.string() }).passthrough(),
});

const contactEnvelope = klinkEnvelopeSchema.extend({ data: contactDataSchema });
const messageEnvelope = klinkEnvelopeSchema.extend({ data: messageDataSchema });

export const klinkEventSchemas = {
	'contact.create': contactEnvelope,
	'contact.update': contactEnvelope,
	'message.inbound': messageEnvelope,
	'message.outbound': messageEnvelope,
};
