import type { KeyObject } from 'node:crypto';

import type { JsonRecord } from './envelopeReading';
import type { MessagingProvider } from './messagingProvider';
import type { WebhookRegistrationApi } from './webhookRegistrationApi';

/** How a trigger tells real deliveries from forged ones; the values of its Authentication parameter. */
export type AuthenticationMethod = 'signature' | 'basicAuth' | 'headerAuth' | 'none';

/** One Authentication option a trigger offers; name and description default to the method's own. */
export interface AuthenticationChoice {
	method: AuthenticationMethod;
	name?: string;
	description?: string;
}

/** The fields of a credential, as they are stored (all text but option values). */
export type CredentialFields = Readonly<Record<string, unknown>>;

/**
 * What a provider does with a delivery that is not answered 2xx, as its documentation says
 * (docs/limits-and-answers.md). The trigger's Acknowledge texts are worded from it.
 */
export interface DeliveryRetries {
	/**
	 * Which failed deliveries it sends again: those answered 5xx or not at all (`5xx`), those
	 * answered anything but 2xx or not at all (`non2xx`, except `neverRetried`), or none that it
	 * documents (`none`).
	 */
	retriesOn: '5xx' | 'non2xx' | 'none';
	/** Answers it never sends again, even under `non2xx`: the events of that delivery are lost. */
	neverRetried?: readonly number[];
	/** How long it waits for an answer before it counts the delivery as failed. */
	answerDeadlineSeconds?: number;
	/** Seconds from a failed attempt to the next one, retry by retry, where documented. */
	schedule?: readonly number[];
	/** Seconds to the first retry, where only that one is documented. */
	firstRetrySeconds?: number;
	/** The most retries it makes, where documented as a count. */
	maxRetries?: number;
	/** How long it keeps retrying, where documented as a time. */
	retriesForSeconds?: number;
	/** What it does when it gives up, where documented: "marks the webhook failing". */
	afterGivingUp?: string;
	/** The page that documents it. */
	source: string;
}

/** How sure a shape check is that an envelope is this provider's. */
export type EnvelopeMatch = 'no' | 'shape' | 'certain';

/**
 * Everything about one provider, as data plus pure functions: the engine's part (events,
 * schema, mapping, signature scheme) and what its trigger offers. Nothing here knows n8n or
 * HTTP; lib/n8n/ turns a definition into a node, its credential use and its webhook lifecycle.
 */
export interface ProviderDefinition extends MessagingProvider {
	trigger: {
		/** The node's type name, e.g. `acmeTrigger`; its class is the same name capitalised. */
		name: string;
		/** The node's description in the nodes panel. */
		description: string;
		/** Base name of the node's icons: `<icon>.svg` and `<icon>.dark.svg` beside the node file. */
		icon: string;
		/** Shown at the top of the node, for providers whose webhooks are registered by hand. */
		setupNotice?: string;
	};
	authentication: {
		choices: readonly AuthenticationChoice[];
		default: AuthenticationMethod;
	};
	/** The provider's own credential type: signing secret, API access, or both. */
	credential?: {
		type: string;
		/** The field holding the shared signing secret, for HMAC signatures. */
		signingSecretField?: string;
	};
	/**
	 * Version 1 of the trigger read every authentication's fields (signature, Basic, header)
	 * from this one credential type; version 2 uses n8n's own Basic Auth and Header Auth
	 * credentials, and the provider's credential for what is the provider's.
	 */
	versionOneCredential?: string;
	/** The provider's public key for its own signatures, which may depend on the credential (an environment, say). */
	signingPublicKey?(credential: CredentialFields): KeyObject | undefined;
	/**
	 * The provider's webhook API, for triggers that register their own webhook (with the
	 * provider's credential); absent when the user registers the URL by hand.
	 */
	registration?: WebhookRegistrationApi;
	/** What the provider does when a delivery is not acknowledged with 2xx. */
	deliveryRetries: DeliveryRetries;
	/** Whether an envelope has this provider's shape, for the Normalize node's automatic choice. */
	matchEnvelope(envelope: JsonRecord): EnvelopeMatch;
}
