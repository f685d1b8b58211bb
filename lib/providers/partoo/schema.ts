import { z } from 'zod';

export const partooEnvelopeSchema = z.object({
	type: z.string(),
	payload: z.record(z.unknown()),
});

const messageSchema = z.object({
	id: z.number(),
	conversation_id: z.number(),
	date: z.string(),
	content_type: z.string(),
	sender_type: z.string(),
	sender_label: z.string().nullable(),
	status: z.string(),
	is_deleted: z.boolean(),
	is_automated: z.boolean(),
	content: z.string().nullable(),
	user_id: z.string().nullable(),
});

const conversationSchema = z.object({
	id: z.number(),
	consumer_name: z.string().nullable(),
	consumer_phone_number: z.string().nullable(),
	consumer_email: z.string().nullable(),
	messaging_partner: z.string(),
	status: z.string(),
});

const messageEnvelope = partooEnvelopeSchema.extend({
	payload: z.object({
		message: messageSchema,
		conversation: conversationSchema,
		org_id: z.number(),
	}),
});

export const partooEventSchemas = {
	message_created: messageEnvelope,
	message_updated: messageEnvelope,
};
