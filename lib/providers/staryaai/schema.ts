import { z } from 'zod';

export const staryaAiEnvelopeSchema = z.object({
	event: z.string(),
	timestamp: z.string(),
	data: z.record(z.unknown()),
});

const userSchema = z.object({
	id: z.string(),
	name: z.string(),
	email: z.string(),
	birthDate: z.string(),
	cpf: z.string(),
	phone: z.string(),
	gender: z.string(),
	metadata: z.record(z.unknown()),
});

const chatSchema = z.object({
	id: z.string(),
	agent: z.object({ id: z.string(), name: z.string() }),
	userId: z.string(),
});

const envelopeWith = (data: z.ZodTypeAny) => staryaAiEnvelopeSchema.extend({ data });

export const staryaAiEventSchemas = {
	'user.created': envelopeWith(userSchema),
	'user.updated': envelopeWith(userSchema.extend({ oldState: userSchema })),
	'user.deleted': envelopeWith(z.object({ id: z.string() })),
	'chat.created': envelopeWith(chatSchema),
	'chat.deleted': envelopeWith(chatSchema),
	'chat.message.created': envelopeWith(
		z.object({
			chat: z.object({ id: z.string(), userId: z.string(), agentId: z.string() }),
			id: z.string(),
			content: z.object({ text: z.string() }),
			from: z.object({ type: z.enum(['user', 'agent', 'mediator']) }),
			timestamp: z.string(),
			platform: z.object({ type: z.enum(['api', 'psycoai', 'whatsapp', 'sms', 'call']) }),
		}),
	),
	'chat.message.status.updated': envelopeWith(
		z.object({ messageId: z.string(), status: z.string(), chatId: z.string(), userId: z.string() }),
	),
	'chat.tag.appended': envelopeWith(
		z.object({ chatId: z.string(), tagId: z.string(), tagName: z.string() }),
	),
};
