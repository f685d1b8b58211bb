import type { INodeCredentialDescription } from 'n8n-workflow';

import type { AuthenticationMethod, ProviderDefinition } from '../providerDefinition';
import { completeFieldGroupTest, type CredentialFieldGroup } from './credentialChecks';

/**
 * The package's own Basic Auth and Header Auth credentials, shared by every trigger. They
 * mirror n8n's `httpBasicAuth` and `httpHeaderAuth` (same fields), which a community node
 * may not reference (n8n's `no-credential-reuse` verification rule).
 */
export const BASIC_AUTH_CREDENTIAL = 'messagingTriggersBasicAuthApi';
export const HEADER_AUTH_CREDENTIAL = 'messagingTriggersHeaderAuthApi';

/**
 * Where Basic and Header auth keep their two values: in the shared credentials, or in the
 * all-in-one credential of nodes added before the shared ones existed.
 */
export const SECRET_PAIR_FIELDS = {
	basicAuth: { shared: ['user', 'password'], allInOne: ['basicAuthUser', 'basicAuthPassword'] },
	headerAuth: { shared: ['name', 'value'], allInOne: ['headerName', 'headerToken'] },
} as const;

/**
 * Every trigger is at node version 1, and only 1: n8n 1.x and 2.x parse a webhook's body
 * themselves (and answer what does not parse with their own 422, quoting it) unless the node's
 * `typeVersion` is exactly 1 and its `options.binaryData` is set (docs/development.md,
 * "Node versions"). A change to a trigger is made inside version 1: new parameter values,
 * the stored ones keeping their meaning.
 */
export const TRIGGER_VERSION = 1;

/**
 * The Authentication value that selects a method with the provider's own or the shared
 * credentials. A provider with an all-in-one credential kept the plain method names
 * (`signature`, `basicAuth`, `headerAuth`) for the nodes that read it: theirs are
 * `signatureCredential`, `basicAuthCredential`, `headerAuthCredential`.
 */
export function authenticationValue(
	provider: ProviderDefinition,
	method: AuthenticationMethod,
): string {
	return provider.allInOneCredential && method !== 'none' ? `${method}Credential` : method;
}

/** The Authentication values that read the all-in-one credential (none without one). */
export function allInOneAuthenticationValues(provider: ProviderDefinition): AuthenticationMethod[] {
	if (!provider.allInOneCredential) return [];
	return provider.authentication.choices
		.map(({ method }) => method)
		.filter((method) => method !== 'none');
}

/** What an Authentication value stands for; undefined for a value the trigger does not offer. */
export function authenticationOfValue(
	provider: ProviderDefinition,
	value: unknown,
): { method: AuthenticationMethod; allInOne: boolean } | undefined {
	for (const { method } of provider.authentication.choices) {
		if (value === authenticationValue(provider, method)) return { method, allInOne: false };
	}
	const allInOne = allInOneAuthenticationValues(provider).find((method) => method === value);
	return allInOne ? { method: allInOne, allInOne: true } : undefined;
}

function offers(provider: ProviderDefinition, method: AuthenticationMethod): boolean {
	return provider.authentication.choices.some((choice) => choice.method === method);
}

/** The name under which a node tests a credential that cannot be checked against an API. */
function fieldTestName(credentialType: string): string {
	return `${credentialType}Test`;
}

/**
 * Which credential the node asks for, by Authentication value: the provider's own for
 * signatures and registration, the shared ones for Basic and Header auth, and the all-in-one
 * credential for the values nodes added before the split still hold.
 * Credentials that hold only webhook secrets are tested by the node (fields filled in).
 */
export function triggerCredentials(provider: ProviderDefinition): INodeCredentialDescription[] {
	const shownFor = (method: AuthenticationMethod) => ({
		show: { authentication: [authenticationValue(provider, method)] },
	});
	const credentials: INodeCredentialDescription[] = [];
	if (provider.allInOneCredential) {
		credentials.push({
			name: provider.allInOneCredential,
			required: true,
			testedBy: fieldTestName(provider.allInOneCredential),
			displayOptions: { show: { authentication: allInOneAuthenticationValues(provider) } },
		});
	}
	if (provider.credential && provider.registration) {
		// Registering through the provider's API needs its credential whatever the authentication.
		credentials.push({ name: provider.credential.type, required: true });
	} else if (provider.credential) {
		credentials.push({
			name: provider.credential.type,
			required: true,
			testedBy: fieldTestName(provider.credential.type),
			displayOptions: shownFor('signature'),
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
			displayOptions: shownFor(method),
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
		if (type === provider.allInOneCredential) return allInOneFieldGroups(provider);
		return [{ label: 'Signature', fields: [provider.credential?.signingSecretField ?? ''] }];
	};
	return Object.fromEntries(
		triggerCredentials(provider)
			.filter(({ testedBy }) => typeof testedBy === 'string')
			.map(({ name, testedBy }) => [testedBy as string, completeFieldGroupTest(groupsOf(name))]),
	);
}

/** The all-in-one credential is complete when one authentication's fields are. */
function allInOneFieldGroups(provider: ProviderDefinition): CredentialFieldGroup[] {
	const groups: CredentialFieldGroup[] = [];
	for (const { method, name } of provider.authentication.choices) {
		if (method === 'signature' && provider.credential?.signingSecretField)
			groups.push({ label: 'Signature', fields: [provider.credential.signingSecretField] });
		if (method === 'basicAuth' || method === 'headerAuth') {
			const label = name ?? (method === 'basicAuth' ? 'Basic Auth' : 'Header Auth');
			groups.push({ label, fields: [...SECRET_PAIR_FIELDS[method].allInOne] });
		}
	}
	return groups;
}
