import { z } from 'zod';

// The webhooks intro page (docs.timelyai.com.br/en/start/webhooks-intro) shows the envelope
// without `event_id`, and a shorter message.received with a nested contact and `data.channel`.
export const timelyAiEnvelopeSchema = z.object({
	event: z.string(),
	event_id: z.string().optional(),
	timestamp: z.string(),
	workspace_id: z.string(),
	data: z.record(z.unknown()),
});

const messageBase = z.object({
	message_id: z.string(),
	conversation_id: z.string(),
	contact_id: z.string(),
	channel_id: z.string(),
	channel_type: z.string(),
});

const envelopeWith = (data: z.ZodTypeAny) => timelyAiEnvelopeSchema.extend({ data });

const introMessageReceived = z.object({
	message_id: z.string(),
	conversation_id: z.string(),
	contact: z.object({ id: z.string(), phone: z.string().nullable(), name: z.string().nullable() }),
	content: z.string().nullable(),
	channel: z.string(),
	agent_id: z.string().nullable(),
});

export const timelyAiEventSchemas = {
	'message.received': z.union([
		envelopeWith(
			messageBase.extend({
				content: z.string().nullable(),
				type: z.string(),
				direction: z.string(),
				media_url: z.string().nullable(),
				media_mime_type: z.string().nullable(),
				received_at: z.string(),
			}),
		),
		envelopeWith(introMessageReceived),
	]),
	'message.sent': envelopeWith(
		messageBase.extend({
			content: z.string().nullable(),
			type: z.string(),
			direction: z.string(),
			sent_by: z.string(),
			sent_by_type: z.enum(['agent', 'attendant', 'api', 'automation']),
			sent_at: z.string(),
		}),
	),
	'message.delivered': envelopeWith(messageBase.extend({ delivered_at: z.string() })),
	'message.read': envelopeWith(messageBase.extend({ read_at: z.string() })),
	'message.failed': envelopeWith(
		messageBase.extend({
			error_code: z.string(),
			error_message: z.string(),
			failed_at: z.string(),
		}),
	),
};
