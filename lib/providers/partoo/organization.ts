import { asRecord } from '../../envelopeReading';
import type { DeliveryAccount } from '../../deliveryAccount';

/** An organisation id as text: Partoo's are whole numbers (`"org_id": 123`); text ids are read too. */
export function organizationIdOf(value: unknown): string | undefined {
	if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	return /^[A-Za-z0-9_-]{1,64}$/.test(text) ? text : undefined;
}

/**
 * Partoo signs every organisation's deliveries with one key per environment; each envelope
 * names its organisation in `payload.org_id` (developers.partoo.co webhook events).
 */
export const partooOrganization: DeliveryAccount = {
	label: 'organization',
	path: 'payload.org_id',
	ofEnvelope: (envelope) => organizationIdOf(asRecord(asRecord(envelope)?.payload)?.org_id),
	credentialField: 'orgId',
};
