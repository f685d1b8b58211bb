import type { EventDefinition } from '../../messagingProvider';

const event = (name: string, canonical: string, description: string): EventDefinition => ({
	name,
	canonical,
	family: name.split('.')[0],
	description,
});

/**
 * Timely.ai webhook events: the union of the event pages (docs.timelyai.com.br/en/webhooks/events/*)
 * and of the webhook-creation API's enum, which lists a few names the pages do not.
 */
export const timelyAiEvents: readonly EventDefinition[] = [
	event('message.received', 'message.received', 'A contact sent a message on any channel'),
	event(
		'message.sent',
		'message.sent',
		'The AI agent, a human attendant, the API or an automation sent a message',
	),
	event('message.delivered', 'message.delivered', 'The channel confirmed delivery to the device'),
	event('message.read', 'message.read', 'The contact read the message (WhatsApp, Instagram)'),
	event('message.failed', 'message.failed', 'Sending a message failed'),
	event('conversation.created', 'conversation.created', 'A conversation started'),
	event(
		'conversation.assigned',
		'conversation.assigned',
		'A conversation was assigned to an attendant or agent',
	),
	event(
		'conversation.transferred',
		'conversation.assigned',
		'A conversation was transferred (webhook API name)',
	),
	event('conversation.closed', 'conversation.closed', 'A conversation was closed'),
	event('conversation.reopened', 'conversation.reopened', 'A closed conversation was reopened'),
	event('contact.created', 'contact.created', 'A contact was created'),
	event('contact.updated', 'contact.updated', 'A contact was updated'),
	event('contact.deleted', 'contact.deleted', 'A contact was deleted'),
	event('channel.connected', 'channel.connected', 'A channel was connected'),
	event('channel.disconnected', 'channel.disconnected', 'A channel was disconnected'),
	event('channel.error', 'channel.error', 'A channel reported an error'),
	event('appointment.scheduled', 'appointment.scheduled', 'An appointment was scheduled'),
	event(
		'appointment.created',
		'appointment.created',
		'An appointment was created (webhook API name)',
	),
	event('appointment.rescheduled', 'appointment.rescheduled', 'An appointment was rescheduled'),
	event('appointment.canceled', 'appointment.canceled', 'An appointment was canceled'),
	event(
		'appointment.cancelled',
		'appointment.cancelled',
		'An appointment was cancelled (webhook API spelling)',
	),
	event('appointment.completed', 'appointment.completed', 'An appointment took place'),
	event(
		'appointment.reminder_sent',
		'appointment.reminder_sent',
		'An appointment reminder was sent',
	),
];
