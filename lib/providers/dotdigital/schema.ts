import { z } from 'zod';

export const dotdigitalEnvelopeSchema = z.object({
	eventId: z.string(),
	accountId: z.number(),
	apiSpaceId: z.string(),
	name: z.string(),
	payload: z.record(z.unknown()),
	revision: z.number(),
	etag: z.string(),
	timestamp: z.string(),
});

const statusPayload = z.object({
	id: z.string().optional(),
	details: z
		.object({ channel: z.string().optional(), channelStatus: z.record(z.unknown()) })
		.passthrough(),
	updatedOn: z.string().optional(),
});

const statusEnvelope = dotdigitalEnvelopeSchema.extend({ payload: statusPayload });

const inboundEnvelope = dotdigitalEnvelopeSchema.extend({
	payload: z.object({
		id: z.string(),
		from: z.record(z.unknown()),
		channel: z.string(),
		body: z.string().optional(),
		receivedOn: z.string(),
	}),
});

export const dotdigitalEventSchemas = {
	'message.sent': statusEnvelope,
	'message.delivered': statusEnvelope,
	'message.read': statusEnvelope,
	'message.expired': statusEnvelope,
	'message.failed': statusEnvelope,
	'message.inbound': inboundEnvelope,
};
