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

/**
 * How long a read that failed (or was given up on) is remembered: the deliveries of a burst
 * share its failure instead of each asking n8n again.
 */
export const FAILED_READ_SECONDS = 2;

/** A read n8n has not finished after this long is no longer waited on: the next delivery reads afresh. */
export const ABANDONED_READ_SECONDS = 30;

/** n8n's read as a delivery waits for it: CredentialReadTimedOut once it has run for credentialReadTimeout. */
async function boundedWait(
	read: Promise<ICredentialDataDecryptedObject>,
): Promise<ICredentialDataDecryptedObject> {
	const milliseconds = credentialReadTimeout.ms;
	const deadline = AbortSignal.timeout(milliseconds);
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

/** n8n's own read: at most one per credential is under way, even once deliveries gave up on it. */
interface N8nRead {
	promise: Promise<ICredentialDataDecryptedObject>;
	settled: boolean;
	/** `Date.now()` when it began. */
	startedAt: number;
}

interface CachedCredential {
	read: N8nRead;
	/** The read as deliveries wait for it (bounded), shared by those that arrive meanwhile. */
	data: Promise<ICredentialDataDecryptedObject>;
	/** `Date.now()` when `data` failed, if it did. */
	failedAt?: number;
}

/** By workflow, node, credential type and credential id; oldest read first. In memory only. */
const cache = new Map<string, CachedCredential>();

/** A clock set back makes an age negative: read again rather than trust the entry longer. */
function within(since: number, seconds: number, now: number): boolean {
	const age = now - since;
	return age >= 0 && age < seconds * 1000;
}

function isUsable(entry: CachedCredential, now: number): boolean {
	if (entry.failedAt !== undefined) return within(entry.failedAt, FAILED_READ_SECONDS, now);
	return within(entry.read.startedAt, CREDENTIAL_CACHE_SECONDS, now);
}

/**
 * The node's credential of this type as n8n decrypts it, read from n8n at most once every
 * CREDENTIAL_CACHE_SECONDS. Each read makes n8n load the credential from its database,
 * decrypt it and, with its default expression engine, take an expression isolate: most of
 * what checking a delivery's signature costs. A read that fails or times out is remembered for
 * FAILED_READ_SECONDS, and a read n8n has not finished is waited on again rather than repeated
 * (for up to ABANDONED_READ_SECONDS): an outage costs a read every few seconds, not one per delivery.
 */
export async function cachedCredentials(
	context: IWebhookFunctions,
	credentialType: string,
): Promise<ICredentialDataDecryptedObject> {
	const node = context.getNode();
	const workflowId = context.getWorkflow().id;
	const credentialId = node.credentials?.[credentialType]?.id;
	const readFromN8n = () => context.getCredentials<ICredentialDataDecryptedObject>(credentialType);
	if (!workflowId || !node.id || !credentialId) return await boundedWait(readFromN8n());
	const key = JSON.stringify([workflowId, node.id, credentialType, credentialId]);
	const now = Date.now();
	const cached = cache.get(key);
	if (cached && isUsable(cached, now)) return await cached.data;

	const stillReading =
		cached && !cached.read.settled && within(cached.read.startedAt, ABANDONED_READ_SECONDS, now);
	const read = stillReading ? cached.read : startRead(readFromN8n(), now);
	const entry: CachedCredential = { read, data: boundedWait(read.promise) };
	cache.delete(key);
	cache.set(key, entry);
	for (const [oldestKey, oldest] of cache) {
		if (cache.size <= CREDENTIAL_CACHE_ENTRIES && isUsable(oldest, now)) break;
		if (oldestKey !== key) cache.delete(oldestKey);
		else break;
	}
	entry.data.catch(() => (entry.failedAt = Date.now()));
	return await entry.data;
}

function startRead(promise: Promise<ICredentialDataDecryptedObject>, now: number): N8nRead {
	const read: N8nRead = { promise, settled: false, startedAt: now };
	const settle = () => (read.settled = true);
	promise.then(settle, settle);
	return read;
}
