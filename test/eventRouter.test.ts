import { NodeHelpers, Workflow, type INode } from 'n8n-workflow';

import { EventRouter } from '../nodes/EventRouter/EventRouter.node';
import { fixture } from './support/fixtures';
import { runNode } from './support/runNode';

const router = new EventRouter();

const bySender = {
	rules: {
		rule: [
			{ outputName: 'AI', field: 'senderType', condition: 'equals', value: 'ai' },
			{ outputName: 'Human', field: 'senderType', condition: 'oneOf', value: 'agent, automation' },
			{ outputName: 'Contact', field: 'senderType', condition: 'equals', value: 'contact' },
		],
	},
};

describe('Event Router', () => {
	it('routes AI-sent, human-sent and contact messages of any provider to three outputs, the rest to Fallback', async () => {
		const items = [
			fixture('timelyai', 'message-sent'), // sent_by_type agent: Timely.ai's AI
			fixture('partoo', 'message-created'), // a Partoo user
			fixture('klink', 'message-inbound'), // the contact
			fixture('staryaai', 'chat-message-created-agent'), // StaryaAI's AI agent
			fixture('dotdigital', 'message-inbound-1-sms'), // the contact
			fixture('dotdigital', 'message-delivered-1-sms'), // a receipt: no sender
		];
		const [ai, human, contact, fallback] = await runNode(router, bySender, items);
		expect(ai.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 3 }]);
		expect(human.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(contact.map((item) => item.pairedItem)).toEqual([{ item: 2 }, { item: 4 }]);
		expect(fallback.map((item) => item.pairedItem)).toEqual([{ item: 5 }]);
		expect(ai[0].json).toEqual(items[0]);
	});

	it('routes by event family, tag, error code, channel and JSONPath', async () => {
		const parameters = {
			rules: {
				rule: [
					{ outputName: 'Failed', field: 'errorCode', condition: 'exists' },
					{ outputName: 'VIP', field: 'tags', condition: 'equals', value: 'VVIP' },
					{ outputName: 'Contacts', field: 'eventFamily', condition: 'equals', value: 'contact' },
					{ outputName: 'SMS or RCS', field: 'channel', condition: 'oneOf', value: 'sms,rcs' },
					{
						outputName: 'Lead tag',
						field: 'custom',
						jsonPath: '$.data.tagName',
						condition: 'startsWith',
						value: 'lead',
					},
				],
			},
			fallbackOutput: false,
		};
		const items = [
			fixture('timelyai', 'message-failed'),
			fixture('klink', 'contact-create'),
			fixture('staryaai', 'user-created'),
			fixture('dotdigital', 'message-read-1-rcs'),
			fixture('staryaai', 'chat-tag-appended'),
			fixture('klink', 'message-outbound'),
		];
		const outputs = await runNode(router, parameters, items);
		expect(
			outputs.map((output) => output.map((item) => (item.pairedItem as { item: number }).item)),
		).toEqual([[0], [1], [2], [3], [4]]);
	});

	it('sends an item to every matching output when asked', async () => {
		const parameters = {
			rules: {
				rule: [
					{ field: 'channel', condition: 'equals', value: 'whatsapp' },
					{ field: 'event', condition: 'startsWith', value: 'message.' },
				],
			},
			allMatchingOutputs: true,
		};
		const [whatsapp, messages, fallback] = await runNode(router, parameters, [
			fixture('timelyai', 'message-read'),
		]);
		expect([whatsapp.length, messages.length, fallback.length]).toEqual([1, 1, 0]);
	});

	it("names its outputs after the rules, in n8n's own expression evaluation", () => {
		const node: INode = {
			id: 'r',
			name: 'Router',
			type: 'n8n-nodes-messaging-triggers.eventRouter',
			typeVersion: 1,
			position: [0, 0],
			parameters: {
				rules: {
					rule: [
						{ outputName: 'AI', field: 'senderType', condition: 'equals', value: 'ai' },
						{ outputName: '', field: 'errorCode', condition: 'exists', value: '' },
						{
							outputName: '',
							field: 'custom',
							jsonPath: '$.data.tagName',
							condition: 'equals',
							value: 'VIP',
						},
					],
				},
			},
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: {
				getByName: () => router,
				getByNameAndVersion: () => router,
				getKnownTypes: () => ({}),
			},
		});
		const outputs = NodeHelpers.getNodeOutputs(
			workflow,
			workflow.getNode('Router')!,
			router.description,
		);
		expect(
			outputs.map((output) => (typeof output === 'string' ? output : output.displayName)),
		).toEqual(['AI', 'errorCode exists', '$.data.tagName equals VIP', 'Fallback']);
	});
});
