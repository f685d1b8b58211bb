import { NodeHelpers, type INode, type INodeParameters, type INodeType } from 'n8n-workflow';

import { messagingProviders } from '../lib/providerRegistry';

import { KlinkSignatureApi } from '../credentials/KlinkSignatureApi.credentials';
import { KlinkWebhookApi } from '../credentials/KlinkWebhookApi.credentials';
import { MessagingTriggersBasicAuthApi } from '../credentials/MessagingTriggersBasicAuthApi.credentials';
import { MessagingTriggersHeaderAuthApi } from '../credentials/MessagingTriggersHeaderAuthApi.credentials';
import { KlinkTrigger } from '../nodes/KlinkTrigger/KlinkTrigger.node';
import { StaryaAiTrigger } from '../nodes/StaryaAiTrigger/StaryaAiTrigger.node';
import { fixture } from './support/fixtures';
import { deliver } from './support/runTrigger';
import { basicAuthorization, hmac } from './support/signing';
import { PACKAGE_CREDENTIALS, TRIGGER_NODES } from './support/triggerNodes';

const klink = new KlinkTrigger();
const starya = new StaryaAiTrigger();
const envelope = JSON.stringify(fixture('klink', 'contact-create'));

/** A node's parameters as n8n resolves them when it loads a workflow: the stored ones and every default. */
function resolvedParameters(nodeType: INodeType, stored: INodeParameters): INodeParameters {
	const node = { typeVersion: 1, parameters: stored } as unknown as INode;
	return NodeHelpers.getNodeParameters(
		nodeType.description.properties,
		stored,
		true,
		false,
		node,
		nodeType.description,
	)!;
}

/**
 * n8n's rule, read in webhook-helpers.js `parseRequestBody` of n8n 2.41.1 and 1.123.81: it
 * leaves the body to the node only when the node is at version exactly 1 and its resolved
 * `options.binaryData` is true; otherwise it parses JSON, text, form and XML bodies itself.
 */
function n8nLeavesTheBodyToTheNode(typeVersion: number, parameters: INodeParameters): boolean {
	const options = parameters.options as { binaryData?: unknown } | undefined;
	return typeVersion === 1 && Boolean(options?.binaryData);
}

/** The credentials n8n shows (and lets the node read) for an Authentication value. */
function shownCredentials(nodeType: INodeType, authentication?: string) {
	const parameters: INodeParameters = authentication ? { authentication } : {};
	const node = { typeVersion: 1, parameters } as unknown as INode;
	const withDefaults = NodeHelpers.getNodeParameters(
		nodeType.description.properties,
		parameters,
		true,
		false,
		node,
		nodeType.description,
	)!;
	return nodeType.description
		.credentials!.filter((credential) =>
			NodeHelpers.displayParameter(withDefaults, credential, node, nodeType.description),
		)
		.map(({ name }) => name);
}

describe.each(messagingProviders.map((provider) => [provider.displayName, provider.id] as const))(
	'the %s Trigger',
	(_, id) => {
		const { description } = TRIGGER_NODES[id];
		const declared = [description.version].flat();

		it('has only node versions for which n8n leaves the body to the trigger', () => {
			const versions = [...declared, description.defaultVersion ?? declared[0]];
			for (const version of versions)
				expect(n8nLeavesTheBodyToTheNode(version, resolvedParameters(TRIGGER_NODES[id], {}))).toBe(
					true,
				);
		});

		it.each([
			['added in the editor (nothing stored but the choices made)', { events: ['*'] }],
			['created through the API without options', { authentication: 'none' }],
			['stored before any change (empty parameters)', {}],
		])('gets the raw body when %s', (_, stored) => {
			expect(n8nLeavesTheBodyToTheNode(1, resolvedParameters(TRIGGER_NODES[id], stored))).toBe(
				true,
			);
		});
	},
);

describe('K-LINK and StaryaAI triggers: one credential per authentication, all-in-one credentials kept', () => {
	it("gives a new node the provider's default authentication with a credential of its own", () => {
		expect(resolvedParameters(klink, {}).authentication).toBe('signatureCredential');
		expect(resolvedParameters(starya, {}).authentication).toBe('headerAuthCredential');
	});

	it.each([
		[klink, undefined, ['klinkSignatureApi']],
		[klink, 'signatureCredential', ['klinkSignatureApi']],
		[klink, 'basicAuthCredential', ['messagingTriggersBasicAuthApi']],
		[klink, 'headerAuthCredential', ['messagingTriggersHeaderAuthApi']],
		[klink, 'none', []],
		[klink, 'signature', ['klinkWebhookApi']],
		[klink, 'basicAuth', ['klinkWebhookApi']],
		[klink, 'headerAuth', ['klinkWebhookApi']],
		[starya, undefined, ['messagingTriggersHeaderAuthApi']],
		[starya, 'basicAuthCredential', ['messagingTriggersBasicAuthApi']],
		[starya, 'none', []],
		[starya, 'headerAuth', ['staryaAiWebhookApi']],
		[starya, 'basicAuth', ['staryaAiWebhookApi']],
	] as const)(
		'%#: shows exactly the credential of the chosen authentication',
		(nodeType, authentication, expected) => {
			expect(shownCredentials(nodeType, authentication)).toEqual(expected);
		},
	);

	it('has credential forms of required fields only (the all-in-one forms keep every field optional)', () => {
		for (const credential of [
			new KlinkSignatureApi(),
			new MessagingTriggersBasicAuthApi(),
			new MessagingTriggersHeaderAuthApi(),
		]) {
			for (const field of credential.properties) expect(field).toMatchObject({ required: true });
		}
		expect(new KlinkWebhookApi().properties.filter(({ required }) => required)).toEqual([]);
	});
	it('checks a K-LINK signature with the secret of the K-LINK Signature credential', async () => {
		const setup = { credentials: { klinkSignatureApi: { signingSecret: 'k-secret' } } };
		const good = await deliver(klink, setup, {
			body: envelope,
			headers: { 'x-signature': hmac('sha256', 'k-secret', envelope, 'hex') },
		});
		const forged = await deliver(klink, setup, {
			body: envelope,
			headers: { 'x-signature': hmac('sha256', 'other', envelope, 'hex') },
		});
		expect(good).toMatchObject({ status: 200 });
		expect(good.items).toHaveLength(1);
		expect(forged).toMatchObject({ status: 401, items: null });
	});

	it('checks Basic auth with the user and password of the shared Basic Auth credential', async () => {
		const setup = {
			parameters: { authentication: 'basicAuthCredential' },
			credentials: { messagingTriggersBasicAuthApi: { user: 'klink', password: 'p4ss:word' } },
		};
		const good = await deliver(klink, setup, {
			body: envelope,
			headers: { authorization: basicAuthorization('klink', 'p4ss:word') },
		});
		const wrong = await deliver(klink, setup, {
			body: envelope,
			headers: { authorization: basicAuthorization('klink', 'p4ss') },
		});
		expect(good.items).toHaveLength(1);
		expect(wrong).toMatchObject({ status: 401, items: null });
		expect(wrong.warnings[0].meta.reason).toBe('wrong Basic auth credentials');
	});

	it('checks the header of the shared Header Auth credential (StaryaAI by default)', async () => {
		const body = JSON.stringify(fixture('staryaai', 'chat-created'));
		const setup = {
			credentials: { messagingTriggersHeaderAuthApi: { name: 'X-Starya-Token', value: 't0k' } },
		};
		const good = await deliver(starya, setup, { body, headers: { 'x-starya-token': 't0k' } });
		const wrong = await deliver(starya, setup, { body, headers: { 'x-starya-token': 't0' } });
		expect(good.items).toHaveLength(1);
		expect(wrong).toMatchObject({ status: 401, items: null });
		expect(wrong.warnings[0].meta.reason).toBe('wrong X-Starya-Token header value');
	});

	it('keeps nodes added before the split reading every field from their one credential', async () => {
		const run = await deliver(
			klink,
			{
				parameters: { authentication: 'headerAuth' },
				credentials: { klinkWebhookApi: { headerName: 'X-Klink-Token', headerToken: 't0ken' } },
			},
			{ body: envelope, headers: { 'x-klink-token': 't0ken' } },
		);
		expect(run.items).toHaveLength(1);
	});

	it('refuses deliveries to a node added before the split with the default Authentication until a credential is chosen', async () => {
		// Such a node stored no Authentication (n8n keeps no default), only its all-in-one credential.
		const run = await deliver(
			klink,
			{ credentials: { klinkWebhookApi: { signingSecret: 'k-secret' } } },
			{ body: envelope, headers: { 'x-signature': hmac('sha256', 'k-secret', envelope, 'hex') } },
		);
		expect(run).toMatchObject({ status: 503, items: null });
		expect(run.warnings[0].meta.reason).toMatch(/^the trigger's credential could not be read: /);
	});

	it('refuses every delivery to a node stored at version 2 (a development build), saying why in the log', async () => {
		const run = await deliver(
			klink,
			{
				typeVersion: 2,
				parameters: { authentication: 'signature' },
				credentials: { klinkSignatureApi: { signingSecret: 'k-secret' } },
			},
			{ body: envelope, headers: { 'x-signature': hmac('sha256', 'k-secret', envelope, 'hex') } },
		);
		expect(run).toMatchObject({ status: 503, items: null });
		expect(run.warnings[0].meta.reason).toBe(
			'the trigger is at node version 2, which this package no longer has: add the trigger again',
		);
	});
});

describe('every credential', () => {
	// n8n 1.x's public API (credentials.service.js `toJsonSchema`) turns a field shown only for
	// some value of another field into one required whenever that other field is left out, so a
	// credential made of the fields a user must fill would be refused ("requires property …").
	it.each(PACKAGE_CREDENTIALS.map((credential) => [credential.name, credential] as const))(
		"%s can be created through n8n 1.x's API with its required fields only: no field is shown conditionally",
		(_, credential) => {
			expect(credential.properties.filter(({ displayOptions }) => displayOptions)).toEqual([]);
		},
	);
});
