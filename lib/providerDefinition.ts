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

/** How sure a shape check is that an envelope is this provider's. */
export type EnvelopeMatch = 'no' | 'shape' | 'certain';

/**
 * Everything about one provider, as data plus pure functions: the engine's part (events,
 * schema, mapping, signature scheme) and what its trigger offers. Nothing here knows n8n or
 * HTTP; lib/n8n/ turns a definition into a node, its credential use and its webhook lifecycle.
 */
export interface ProviderDefinition extends MessagingProvider {
	/** Names the provider went by before, searched for and shown as "formerly …". */
	formerNames?: readonly string[];
	/** The provider's own pages, linked from the editor (codex) and the README. */
	documentation: {
		/** Its webhook events and payloads. */
		webhooks: string;
		/** How to set a webhook and its secret up, when that is another page. */
		setup?: string;
	};
	trigger: {
		/** The node's type name, e.g. `acmeTrigger`; its class is the same name capitalised. */
		name: string;
		/** The node's description in the nodes panel. */
		description: string;
		/** Base name of the node's icons: `<icon>.svg` and `<icon>.dark.svg` beside the node file. */
		icon: string;
		/** Shown at the top of the node, for providers whose webhooks are registered by hand. */
		setupNotice?: string;
		/** Words the nodes panel also finds the trigger by, after the provider's former names. */
		aliases: readonly string[];
	};
	authentication: {
		choices: readonly AuthenticationChoice[];
		default: AuthenticationMethod;
	};
	/**
	 * The provider's own credential type: signing secret, API access, or both. Its class is
	 * `credentials/<Type>.credentials.ts` (n8n's lint reads it as written), checked against this.
	 */
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
	/** Whether an envelope has this provider's shape, for the Normalize node's automatic choice. */
	matchEnvelope(envelope: JsonRecord): EnvelopeMatch;
}
