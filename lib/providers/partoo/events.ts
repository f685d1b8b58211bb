import type { EventDefinition } from '../../messagingProvider';

/** Partoo Messages API v2 webhook events (developers.partoo.co/api-reference/webhooks). */
export const partooEvents: readonly EventDefinition[] = [
	{
		name: 'message_created',
		canonical: 'message.received',
		family: 'message',
		description: 'A message was received from a consumer, or sent by a user or an automation',
	},
	{
		name: 'message_updated',
		canonical: 'message.updated',
		family: 'message',
		description: 'A message changed (status, deletion…)',
	},
	{
		name: 'business_created',
		canonical: 'business.created',
		family: 'business',
		description: 'A business was created',
	},
	{
		name: 'business_updated',
		canonical: 'business.updated',
		family: 'business',
		description: 'A business was updated',
	},
	{
		name: 'business_deleted',
		canonical: 'business.deleted',
		family: 'business',
		description: 'A business was deleted',
	},
	{
		name: 'lead_received',
		canonical: 'lead.received',
		family: 'lead',
		description: 'A lead was received',
	},
];
