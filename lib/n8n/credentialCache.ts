import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

/**
 * How long a credential read from n8n is used before it is read again, and so how long a
 * changed or deleted credential can still check deliveries.
 */
export const CREDENTIAL_CACHE_SECONDS = 5;

/** How many credentials are kept at most; the one read longest ago makes room first. */
export const CREDENTIAL_CACHE_ENTRIES = 1000;

/**
 * How long one read of a credential from n8n may take (its database, its decryption). A
 * delivery waits no longer, even when it joined a read already under way; it is then answered
 * 503, and the next delivery starts a fresh read. The providers that document a deadline give
 * 10 s for the whole answer: 8 s leaves the rest for the answer itself, and is long enough for a
 * read on a busy 2-core n8n (3 s was not, at 64 deliveries at once). Not a setting: tests
 * shorten it here.
 */
export const credentialReadTimeout = { ms: 8_000 };

/** A credential read that did not finish within credentialReadTimeout. */
export class CredentialReadTimedOut extends Error {
	constructor(milliseconds: number) {
		super(`n8n did not return the credential within ${milliseconds / 1000} s`);
		this.name = 'CredentialReadTimedOut';
	}
}

/** n8n's read, or CredentialReadTimedOut once it has run for credentialReadTimeout. */
async function boundedRead(
	context: IWebhookFunctions,
	credentialType: string,
): Promise<ICredentialDataDecryptedObject> {
	const milliseconds = credentialReadTimeout.ms;
	const deadline = AbortSignal.timeout(milliseconds);
	const read = context.getCredentials<ICredentialDataDecryptedObject>(credentialType);
	return await new Promise((resolve, reject) => {
		const abandon = () => reject(new CredentialReadTimedOut(milliseconds));
		deadline.addEventListener('abort', abandon, { once: true });
		const settle = () => deadline.removeEventListener('abort', abandon);
		read.then(
			(credential) => {
				settle();
				resolve(credential);
			},
			(error: unknown) => {
				settle();
				reject(error);
			},
		);
	});
}

interface CachedCredential {
	/** n8n's read, shared by the deliveries that arrive while it is under way. */
	data: Promise<ICredentialDataDecryptedObject>;
	/** `Date.now()` when the read began. */
	readAt: number;
}

/** By workflow, node, credential type and credential id; oldest read first. In memory only. */
const cache = new Map<string, CachedCredential>();

function isFresh(entry: CachedCredential, now: number): boolean {
	const age = now - entry.readAt;
	// A clock set back makes the age negative: read again rather than trust the entry longer.
	return age >= 0 && age < CREDENTIAL_CACHE_SECONDS * 1000;
}

/**
 * The node's credential of this type as n8n decrypts it, read from n8n at most once every
 * CREDENTIAL_CACHE_SECONDS. Each read makes n8n load the credential from its database,
 * decrypt it and, with its default expression engine, take an expression isolate: most of
 * what checking a delivery's signature costs. A read that fails or times out is not kept.
 */
export async function cachedCredentials(
	context: IWebhookFunctions,
	credentialType: string,
): Promise<ICredentialDataDecryptedObject> {
	const node = context.getNode();
	const workflowId = context.getWorkflow().id;
	const credentialId = node.credentials?.[credentialType]?.id;
	if (!workflowId || !node.id || !credentialId) return await boundedRead(context, credentialType);
	const key = JSON.stringify([workflowId, node.id, credentialType, credentialId]);
	const now = Date.now();
	const cached = cache.get(key);
	if (cached && isFresh(cached, now)) return await cached.data;

	const entry: CachedCredential = {
		data: boundedRead(context, credentialType),
		readAt: now,
	};
	cache.delete(key);
	cache.set(key, entry);
	for (const [oldestKey, oldest] of cache) {
		if (cache.size <= CREDENTIAL_CACHE_ENTRIES && isFresh(oldest, now)) break;
		cache.delete(oldestKey);
	}
	entry.data.catch(() => {
		if (cache.get(key) === entry) cache.delete(key);
	});
	return await entry.data;
}
