import { createPublicKey, type KeyObject } from 'node:crypto';

export type PartooEnvironment = 'production' | 'sandbox';

/**
 * Partoo signs every delivery with its own Ed25519 key; these are its published public keys
 * (SPKI, base64 DER), developers.partoo.co/guides/api/resources/settings/webhooks/security.
 */
const PUBLISHED_KEYS: Record<PartooEnvironment, string> = {
	production: 'MCowBQYDK2VwAyEA0G9ciHL6XZQXuWq6W4dFLvwNEPWgcdtQgEVlBIwZWBQ=',
	sandbox: 'MCowBQYDK2VwAyEALsyvX2yVnG3ZKRIFfEvYk2nkzanoNgAqBSqdeNub4sM=',
};

export const partooPublicKeys = new Map<PartooEnvironment, KeyObject>(
	(Object.keys(PUBLISHED_KEYS) as PartooEnvironment[]).map((environment) => [
		environment,
		createPublicKey({
			key: Buffer.from(PUBLISHED_KEYS[environment], 'base64'),
			format: 'der',
			type: 'spki',
		}),
	]),
);
