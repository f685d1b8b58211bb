import type { CanonicalFields, EventError, EventMedia } from '../../canonicalEvent';
import {
	asList,
	asRecord,
	firstText,
	normalizeChannel,
	pick,
	pickText,
	toIsoTimestamp,
	type JsonRecord,
} from '../../envelopeReading';
import { matchByFields, recogniseByNameField } from '../../messagingProvider';
import type { ProviderDefinition } from '../../providerDefinition';
import { dotdigitalRegistration } from './registration';
import { dotdigitalEvents } from './events';
import { dotdigitalEnvelopeSchema, dotdigitalEventSchemas } from './schema';

const MESSAGE_STATUS_EVENTS = new Map([
	['message.sent', 'sent'],
	['message.delivered', 'delivered'],
	['message.read', 'read'],
	['message.expired', 'expired'],
	['message.failed', 'failed'],
]);

export const dotdigitalProvider: ProviderDefinition = {
	id: 'dotdigital',
	displayName: 'Dotdigital CPaaS',
	trigger: {
		name: 'dotdigitalTrigger',
		description:
			'Starts the workflow on Dotdigital Enterprise Communications API (formerly Comapi) webhook events: messages, profiles, conversations',
		icon: 'dotdigital',
	},
	authentication: {
		choices: [
			{
				method: 'signature',
				description: 'HMAC-SHA1 of the body in X-Comapi-Signature, with the webhook secret',
			},
			{ method: 'none' },
		],
		default: 'signature',
	},
	credential: { type: 'dotdigitalCpaasApi', signingSecretField: 'webhookSecret' },
	registration: dotdigitalRegistration,
	// 400 is never retried (the events are lost); 401 reads as "signature failure", and
	// whether it is retried is not said. Only the first delay and the last are documented.
	deliveryRetries: {
		retriesOn: 'non2xx',
		neverRetried: [400],
		answerDeadlineSeconds: 10,
		firstRetrySeconds: 5,
		retriesForSeconds: 24 * 60 * 60,
		afterGivingUp: 'moves the delivery to its dead-letter queue',
		source: 'https://developer.dotdigital.com/reference/webhooks',
	},
	events: dotdigitalEvents,
	envelopeSchema: dotdigitalEnvelopeSchema,
	eventSchemas: dotdigitalEventSchemas,
	// docs.cpaas.dotdigital.com/reference/webhooks: HMAC-SHA1 of the raw UTF-8 body, hex.
	hmacSignature: { header: 'x-comapi-signature', algorithm: 'sha1', encoding: 'hex' },
	recogniseEvent: (envelope) => recogniseByNameField(dotdigitalProvider, envelope, 'name'),
	matchEnvelope: (envelope) =>
		matchByFields(dotdigitalProvider, envelope, ['eventId', 'name', 'payload'], 'name'),
	toCanonicalFields(envelope, { providerEvent }) {
		const payload = asRecord(envelope.payload) ?? {};
		const common: CanonicalFields = {
			eventId: pickText(envelope, 'eventId') ?? undefined,
			occurredAt: toIsoTimestamp(envelope.timestamp),
		};
		if (providerEvent === 'message.inbound') return { ...common, ...inboundMessageFields(payload) };
		const status = MESSAGE_STATUS_EVENTS.get(providerEvent);
		if (status) return { ...common, ...messageStatusFields(payload, status) };
		if (providerEvent.startsWith('profile.')) return { ...common, ...profileFields(payload) };
		return {
			...common,
			channel: normalizeChannel(firstText(payload.channel, pick(payload, 'details', 'channel'))),
			conversationId: firstText(payload.conversationId, pick(payload, 'context', 'conversationId')),
		};
	},
};

function inboundMessageFields(payload: JsonRecord): CanonicalFields {
	const from = asRecord(payload.from) ?? {};
	const channelData = asRecord(payload.channelData) ?? {};
	const parts = [...asList(payload.messageParts), ...asList(channelData.parts)];
	const media = [
		...parts.filter((part) => !isTextPart(part)).map(partMedia),
		...facebookAttachments(channelData),
	];
	const contactId = firstText(from.profileId, from.phoneNumber, from.fbMessengerId);
	return {
		channel: normalizeChannel(payload.channel),
		direction: 'inbound',
		conversationId: firstText(
			pick(payload, 'to', 'conversationId'),
			pick(channelData, 'context', 'conversationId'),
		),
		contact: {
			id: contactId,
			name: null,
			phone: pickText(from, 'phoneNumber'),
			email: pickText(from, 'email'),
		},
		message: {
			id: pickText(payload, 'id'),
			text: firstText(payload.body, ...parts.filter(isTextPart).map((part) => pick(part, 'data'))),
			type: media.length > 0 ? mediaType(media[0].mimeType) : 'text',
			status: 'received',
			media,
		},
		sender: { type: 'contact', id: contactId, name: null },
	};
}

function messageStatusFields(payload: JsonRecord, status: string): CanonicalFields {
	const details = asRecord(payload.details) ?? {};
	const channelStatus = asRecord(details.channelStatus) ?? {};
	const channelName = firstText(details.channel, payload.channel, reportingChannel(channelStatus));
	return {
		channel: normalizeChannel(channelName),
		direction: 'outbound',
		conversationId: firstText(
			payload.conversationId,
			pick(details, 'additionalInfo', 'conversationId'),
		),
		message: {
			id: pickText(payload, 'id'),
			text: pickText(details, 'additionalInfo', 'contentMessage', 'text'),
			type: null,
			status,
			media: [],
		},
		error:
			status === 'failed'
				? failureOf(details, channelName ? channelStatus[channelName] : undefined)
				: null,
	};
}

function profileFields(payload: JsonRecord): CanonicalFields {
	const profile = asRecord(payload.profile) ?? payload;
	return {
		contact: {
			id: firstText(profile.id, payload.profileId),
			name: firstText(
				profile.name,
				[profile.firstName, profile.lastName].filter(Boolean).join(' '),
			),
			phone: firstText(profile.phoneNumber, profile.mobileNumber),
			email: pickText(profile, 'email'),
		},
	};
}

/** The one channel that reported in `channelStatus` (`sms`, `rcs`, `fbMessenger`, `email`…). */
function reportingChannel(channelStatus: JsonRecord): string | null {
	const channels = Object.keys(channelStatus).filter(
		(key) => asRecord(channelStatus[key]) !== null,
	);
	return channels.length === 1 ? channels[0] : null;
}

/**
 * A failure's code and reason. The code is the channel's own (e-mail's `code`, SMS
 * `validationFailures[].failureCode`); the reason is the most specific one given.
 */
function failureOf(details: JsonRecord, channelStatus: unknown): EventError {
	const channelDetails = pick(channelStatus, 'details');
	const validationFailure = asList(pick(channelDetails, 'data', 'validationFailures'))[0];
	return {
		code: firstText(pick(channelStatus, 'code'), pick(validationFailure, 'failureCode')),
		message: firstText(
			pick(channelStatus, 'description'),
			pick(validationFailure, 'details'),
			pick(channelDetails, 'reason'),
			details.reason,
		),
	};
}

function isTextPart(part: unknown): boolean {
	return pickText(part, 'type') === 'text/plain' && pick(part, 'url') === undefined;
}

function partMedia(part: unknown): EventMedia {
	return {
		url: pickText(part, 'url'),
		mimeType: pickText(part, 'type'),
		name: pickText(part, 'name'),
	};
}

/** Facebook Messenger's own attachments, which Dotdigital forwards in `channelData.body`. */
function facebookAttachments(channelData: JsonRecord): EventMedia[] {
	return asList(pick(channelData, 'body', 'message', 'attachments')).map((attachment) => ({
		url: pickText(attachment, 'payload', 'url'),
		mimeType: FACEBOOK_ATTACHMENT_TYPES.get(pickText(attachment, 'type') ?? '') ?? null,
		name: null,
	}));
}

const FACEBOOK_ATTACHMENT_TYPES = new Map([
	['image', 'image/*'],
	['video', 'video/*'],
	['audio', 'audio/*'],
	['file', 'application/octet-stream'],
]);

/** `image`, `video`, `audio` or `file`, from a MIME type. */
function mediaType(mimeType: string | null): string {
	const topLevel = mimeType?.split('/')[0];
	return topLevel === 'image' || topLevel === 'video' || topLevel === 'audio' ? topLevel : 'file';
}
