import { NodeHelpers, type INode, type INodeParameters, type INodeType } from 'n8n-workflow';

import { KlinkSignatureApi } from '../credentials/KlinkSignatureApi.credentials';
import { KlinkWebhookApi } from '../credentials/KlinkWebhookApi.credentials';
import { MessagingTriggersBasicAuthApi } from '../credentials/MessagingTriggersBasicAuthApi.credentials';
import { MessagingTriggersHeaderAuthApi } from '../credentials/MessagingTriggersHeaderAuthApi.credentials';
import { KlinkTrigger } from '../nodes/KlinkTrigger/KlinkTrigger.node';
import { StaryaAiTrigger } from '../nodes/StaryaAiTrigger/StaryaAiTrigger.node';
import { TimelyAiTrigger } from '../nodes/TimelyAiTrigger/TimelyAiTrigger.node';
import { fixture } from './support/fixtures';
import { deliver } from './support/runTrigger';
import { basicAuthorization, hmac } from './support/signing';

const klink = new KlinkTrigger();
const starya = new StaryaAiTrigger();
const envelope = JSON.stringify(fixture('klink', 'contact-create'));

/** The credentials n8n shows (and lets the node read) for a version and an Authentication. */
function shownCredentials(nodeType: INodeType, typeVersion: number, authentication?: string) {
	const parameters: INodeParameters = authentication ? { authentication } : {};
	const node = { typeVersion, parameters } as unknown as INode;
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

describe('K-LINK and StaryaAI triggers, version 2: one credential per authentication', () => {
	it('is what a new node gets', () => {
		expect(klink.description.version).toEqual([1, 2]);
		expect(klink.description.defaultVersion).toBe(2);
		expect(starya.description.defaultVersion).toBe(2);
		expect(new TimelyAiTrigger().description.version).toBe(1);
	});

	it.each([
		[klink, 2, undefined, ['klinkSignatureApi']],
		[klink, 2, 'signature', ['klinkSignatureApi']],
		[klink, 2, 'basicAuth', ['messagingTriggersBasicAuthApi']],
		[klink, 2, 'headerAuth', ['messagingTriggersHeaderAuthApi']],
		[klink, 2, 'none', []],
		[klink, 1, 'signature', ['klinkWebhookApi']],
		[klink, 1, 'basicAuth', ['klinkWebhookApi']],
		[klink, 1, 'none', []],
		[starya, 2, undefined, ['messagingTriggersHeaderAuthApi']],
		[starya, 2, 'basicAuth', ['messagingTriggersBasicAuthApi']],
		[starya, 2, 'none', []],
		[starya, 1, 'headerAuth', ['staryaAiWebhookApi']],
	] as const)(
		'%#: shows exactly the credential of the chosen authentication',
		(nodeType, typeVersion, authentication, expected) => {
			expect(shownCredentials(nodeType, typeVersion, authentication)).toEqual(expected);
		},
	);

	it('has credential forms of required fields only (version 1 keeps its all-in-one form)', () => {
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
			parameters: { authentication: 'basicAuth' },
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

	it('keeps version 1 nodes reading every field from their one credential', async () => {
		const run = await deliver(
			klink,
			{
				typeVersion: 1,
				parameters: { authentication: 'headerAuth' },
				credentials: { klinkWebhookApi: { headerName: 'X-Klink-Token', headerToken: 't0ken' } },
			},
			{ body: envelope, headers: { 'x-klink-token': 't0ken' } },
		);
		expect(run.items).toHaveLength(1);
	});
});
