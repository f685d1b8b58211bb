import type { EventDefinition } from '../../messagingProvider';

/**
 * K-LINK's documented webhook events (developers.klink.cloud/webhook-events-and-schema).
 * The setup guide mentions more (a room being solved, …) without naming them; those pass
 * through under their own names.
 */
export const klinkEvents: readonly EventDefinition[] = [
	{
		name: 'contact.create',
		canonical: 'contact.created',
		family: 'contact',
		description: 'A contact was created',
	},
	{
		name: 'contact.update',
		canonical: 'contact.updated',
		family: 'contact',
		description: 'A contact was updated',
	},
	{
		name: 'message.inbound',
		canonical: 'message.received',
		family: 'message',
		description: 'A contact sent a message',
	},
	{
		name: 'message.outbound',
		canonical: 'message.sent',
		family: 'message',
		description: 'An agent sent a message to a contact',
	},
];
