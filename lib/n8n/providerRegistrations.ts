import type { ProviderDefinition } from '../providerDefinition';
import { dotdigitalRegistration } from '../providers/dotdigital/registration';
import { partooRegistration } from '../providers/partoo/registration';
import { timelyAiRegistration } from '../providers/timelyai/registration';
import type { WebhookRegistrationApi } from './webhookRegistration';

// Temporary until registration is part of each definition (registration-robustness branch).
const REGISTRATIONS: Record<string, WebhookRegistrationApi> = {
	partoo: partooRegistration,
	timelyai: timelyAiRegistration,
	dotdigital: dotdigitalRegistration,
};

export function registrationApiOf(
	provider: ProviderDefinition,
): WebhookRegistrationApi | undefined {
	return REGISTRATIONS[provider.id];
}
