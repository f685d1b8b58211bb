import type { INodeCredentialDescription } from 'n8n-workflow';

import type { AuthenticationMethod, ProviderDefinition } from '../providerDefinition';
import { completeFieldGroupTest, type CredentialFieldGroup } from './credentialChecks';

/**
 * The package's own Basic Auth and Header Auth credentials, shared by every trigger from
 * version 2 on. They mirror n8n's `httpBasicAuth` and `httpHeaderAuth` (same fields), which
 * a community node may not reference (n8n's `no-credential-reuse` verification rule).
 */
export const BASIC_AUTH_CREDENTIAL = 'messagingTriggersBasicAuthApi';
export const HEADER_AUTH_CREDENTIAL = 'messagingTriggersHeaderAuthApi';

/**
 * Where Basic and Header auth keep their two values: in the shared credentials (version 2),
 * or in version 1's all-in-one provider credential.
 */
export const SECRET_PAIR_FIELDS = {
	basicAuth: { shared: ['user', 'password'], versionOne: ['basicAuthUser', 'basicAuthPassword'] },
	headerAuth: { shared: ['name', 'value'], versionOne: ['headerName', 'headerToken'] },
} as const;

/** The node version from which Basic and Header auth use the shared credentials. */
export const SHARED_CREDENTIALS_VERSION = 2;

export function usesVersionOneCredential(
	provider: ProviderDefinition,
	typeVersion: number,
): boolean {
	return provider.versionOneCredential !== undefined && typeVersion < SHARED_CREDENTIALS_VERSION;
}

/** The node versions a provider's trigger has: 1 only, or 1 and 2 when version 1's credential is kept. */
export function triggerVersions(provider: ProviderDefinition): number[] {
	return provider.versionOneCredential ? [1, SHARED_CREDENTIALS_VERSION] : [1];
}

function offers(provider: ProviderDefinition, method: AuthenticationMethod): boolean {
	return provider.authentication.choices.some((choice) => choice.method === method);
}

/** The name under which a node tests a credential that cannot be checked against an API. */
function fieldTestName(credentialType: string): string {
	return `${credentialType}Test`;
}

/**
 * Which credential the node asks for, by Authentication: the provider's own for signatures
 * and registration, the shared ones for Basic and Header auth, version 1's for version 1.
 * Credentials that hold only webhook secrets are tested by the node (fields filled in).
 */
export function triggerCredentials(provider: ProviderDefinition): INodeCredentialDescription[] {
	const versionOne = provider.versionOneCredential;
	const fromVersionTwo: { '@version'?: number[] } = versionOne
		? { '@version': [SHARED_CREDENTIALS_VERSION] }
		: {};
	const registers = provider.registration !== undefined;
	const credentials: INodeCredentialDescription[] = [];
	if (versionOne) {
		credentials.push({
			name: versionOne,
			required: true,
			testedBy: fieldTestName(versionOne),
			displayOptions: { show: { '@version': [1] }, hide: { authentication: ['none'] } },
		});
	}
	if (provider.credential && registers) {
		// Registering through the provider's API needs its credential whatever the authentication.
		credentials.push({
			name: provider.credential.type,
			required: true,
			...(versionOne ? { displayOptions: { show: fromVersionTwo } } : {}),
		});
	} else if (provider.credential) {
		credentials.push({
			name: provider.credential.type,
			required: true,
			testedBy: fieldTestName(provider.credential.type),
			displayOptions: { show: { ...fromVersionTwo, authentication: ['signature'] } },
		});
	}
	for (const [method, name] of [
		['basicAuth', BASIC_AUTH_CREDENTIAL],
		['headerAuth', HEADER_AUTH_CREDENTIAL],
	] as const) {
		if (!offers(provider, method)) continue;
		credentials.push({
			name,
			required: true,
			testedBy: fieldTestName(name),
			displayOptions: { show: { ...fromVersionTwo, authentication: [method] } },
		});
	}
	return credentials;
}

/** The node's tests of the credentials it lists with `testedBy`. */
export function credentialFieldTests(provider: ProviderDefinition) {
	const groupsOf = (type: string): CredentialFieldGroup[] => {
		if (type === BASIC_AUTH_CREDENTIAL)
			return [{ label: 'Basic Auth', fields: [...SECRET_PAIR_FIELDS.basicAuth.shared] }];
		if (type === HEADER_AUTH_CREDENTIAL)
			return [{ label: 'Header Auth', fields: [...SECRET_PAIR_FIELDS.headerAuth.shared] }];
		if (type === provider.versionOneCredential) return versionOneFieldGroups(provider);
		return [{ label: 'Signature', fields: [provider.credential?.signingSecretField ?? ''] }];
	};
	return Object.fromEntries(
		triggerCredentials(provider)
			.filter(({ testedBy }) => typeof testedBy === 'string')
			.map(({ name, testedBy }) => [testedBy as string, completeFieldGroupTest(groupsOf(name))]),
	);
}

/** Version 1's all-in-one credential is complete when one authentication's fields are. */
function versionOneFieldGroups(provider: ProviderDefinition): CredentialFieldGroup[] {
	const groups: CredentialFieldGroup[] = [];
	for (const { method, name } of provider.authentication.choices) {
		if (method === 'signature' && provider.credential?.signingSecretField)
			groups.push({ label: 'Signature', fields: [provider.credential.signingSecretField] });
		if (method === 'basicAuth' || method === 'headerAuth') {
			const label = name ?? (method === 'basicAuth' ? 'Basic Auth' : 'Header Auth');
			groups.push({ label, fields: [...SECRET_PAIR_FIELDS[method].versionOne] });
		}
	}
	return groups;
}
