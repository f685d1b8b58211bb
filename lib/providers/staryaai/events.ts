import type { EventDefinition } from '../../messagingProvider';

/** StaryaAI (formerly PsycoAI) events, docs.starya.ai/reference/event-schema. */
export const staryaAiEvents: readonly EventDefinition[] = [
	{
		name: 'user.created',
		canonical: 'contact.created',
		family: 'user',
		description: 'A user (contact) was created',
	},
	{
		name: 'user.updated',
		canonical: 'contact.updated',
		family: 'user',
		description: 'A user was updated; the previous state is in oldState',
	},
	{
		name: 'user.deleted',
		canonical: 'contact.deleted',
		family: 'user',
		description: 'A user was deleted',
	},
	{
		name: 'chat.created',
		canonical: 'conversation.created',
		family: 'chat',
		description: 'A chat was created',
	},
	{
		name: 'chat.deleted',
		canonical: 'conversation.deleted',
		family: 'chat',
		description: 'A chat was deleted',
	},
	{
		name: 'chat.message.created',
		canonical: 'message.received',
		family: 'chat',
		description: 'A message was posted in a chat, by the user, an agent or a mediator',
	},
	{
		name: 'chat.message.status.updated',
		canonical: 'message.updated',
		family: 'chat',
		description: "A message's status changed (sent, delivered, read…)",
	},
	{
		name: 'chat.tag.appended',
		canonical: 'tag.added',
		family: 'chat',
		description: 'A tag was added to a chat or message',
	},
];
