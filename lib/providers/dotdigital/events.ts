import type { EventDefinition } from '../../messagingProvider';

const event = (
	name: string,
	canonical: string,
	family: string,
	description: string,
): EventDefinition => ({
	name,
	canonical,
	family,
	description,
});

/**
 * Dotdigital Enterprise Communications API (formerly Comapi "One API") webhook events:
 * developer.dotdigital.com/reference/message-events, …/profile-events, and Comapi's chat
 * (app messaging) events. An account's own list: GET /cpaas/webhooks/availableevents.
 */
export const dotdigitalEvents: readonly EventDefinition[] = [
	event('message.sent', 'message.sent', 'message', 'A message was sent on a channel'),
	event(
		'message.delivered',
		'message.delivered',
		'message',
		'A message was delivered, where the channel reports it',
	),
	event(
		'message.read',
		'message.read',
		'message',
		'A message was read, where the channel reports it',
	),
	event(
		'message.expired',
		'message.expired',
		'message',
		'A message was not delivered within its expiry period',
	),
	event('message.failed', 'message.failed', 'message', 'A message could not be sent or delivered'),
	event('message.inbound', 'message.received', 'message', 'A contact sent a message on a channel'),
	event(
		'interaction.click',
		'interaction.click',
		'interaction',
		'A recipient clicked a tracked link',
	),
	event('profile.create', 'contact.created', 'profile', 'A profile was created'),
	event('profile.update', 'contact.updated', 'profile', 'A profile was updated'),
	event('profile.delete', 'contact.deleted', 'profile', 'A profile was deleted'),
	event('profile.undelete', 'profile.undelete', 'profile', 'A deleted profile was restored'),
	event(
		'profile.devicesUpdated',
		'profile.devicesUpdated',
		'profile',
		"A profile's push devices changed",
	),
	event(
		'conversation.create',
		'conversation.created',
		'conversation',
		'An app messaging conversation was created',
	),
	event('conversation.update', 'conversation.update', 'conversation', 'A conversation was updated'),
	event(
		'conversation.delete',
		'conversation.deleted',
		'conversation',
		'A conversation was deleted',
	),
	event(
		'conversation.undelete',
		'conversation.undelete',
		'conversation',
		'A deleted conversation was restored',
	),
	event(
		'conversation.participantAdded',
		'conversation.participantAdded',
		'conversation',
		'A participant joined a conversation',
	),
	event(
		'conversation.participantUpdated',
		'conversation.participantUpdated',
		'conversation',
		"A participant's role changed",
	),
	event(
		'conversation.participantRemoved',
		'conversation.participantRemoved',
		'conversation',
		'A participant left a conversation',
	),
	event(
		'conversation.participantTyping',
		'conversation.participantTyping',
		'conversation',
		'A participant started typing',
	),
	event(
		'conversation.participantTypingOff',
		'conversation.participantTypingOff',
		'conversation',
		'A participant stopped typing',
	),
	event(
		'conversationMessage.sent',
		'conversationMessage.sent',
		'conversationMessage',
		'A message was posted in a conversation',
	),
	event(
		'conversationMessage.delivered',
		'conversationMessage.delivered',
		'conversationMessage',
		'A conversation message was delivered',
	),
	event(
		'conversationMessage.read',
		'conversationMessage.read',
		'conversationMessage',
		'A conversation message was read',
	),
];
