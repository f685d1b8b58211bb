/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- end-to-end suite: starts a real n8n; not part of the published package */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

import { triggerDescription } from '../../lib/n8n/messagingTrigger';
import { PROVIDER_IDS, providerById, type ProviderId } from '../../lib/providerRegistry';
import {
	fixtureFiles,
	newSecrets,
	scriptAuthentication,
	signedHeaders,
	type DeliverySecrets,
} from '../../scripts/runtime/deliveries';
import { N8nApi, newOwner, type WorkflowJson } from '../../scripts/runtime/n8nApi';
import { type N8nProcess } from '../../scripts/runtime/n8nServer';
import { createTriggerCredentials, triggerWorkflow } from '../../scripts/runtime/workflows';
import { printLogTailIfFailed, removeWorkDir, startPackagedN8n } from './packagedN8n';

/**
 * n8n parses a webhook's body itself, and answers what does not parse with its own 422 (the
 * body quoted, a stack trace), unless the node is at version 1 with `options.binaryData`
 * (docs/development.md, "Node versions"). Every trigger, as each kind of node a user can have
 * stores it, gets every kind of body n8n could parse and refuse: the answer must be the
 * trigger's own 400, 401 or 413, never n8n's, and never quote the body. Prints the table.
 */

const SETUP_TIMEOUT_MS = 20 * 60_000;
/** n8n's payload limit in this run (MiB), so that an oversized body stays small. */
const PAYLOAD_SIZE_MAX_MIB = 1;
/** In every body sent: an answer that holds it quotes the body. */
const MARKER = 'QUOTE-MARKER-7f3a';

interface Body {
	name: string;
	contentType?: string;
	bytes: Buffer;
	/** A documented payload: accepted when authenticated. */
	valid?: boolean;
	oversized?: boolean;
}

const boundary = 'e2e-boundary-5c1d';
const BODIES: Body[] = [
	{
		name: 'malformed JSON',
		contentType: 'application/json',
		bytes: Buffer.from(`{"event": ${MARKER}`),
	},
	{ name: 'malformed JSON, no content type', bytes: Buffer.from(`{"event": ${MARKER}`) },
	{ name: 'text', contentType: 'text/plain', bytes: Buffer.from(`hello ${MARKER}`) },
	{
		name: 'form (urlencoded)',
		contentType: 'application/x-www-form-urlencoded',
		bytes: Buffer.from(`event=${MARKER}&data=1`),
	},
	{
		name: 'form (multipart)',
		contentType: `multipart/form-data; boundary=${boundary}`,
		bytes: Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="event"\r\n\r\n${MARKER}\r\n--${boundary}--\r\n`,
		),
	},
	{ name: 'XML', contentType: 'application/xml', bytes: Buffer.from(`<event>${MARKER}</event>`) },
	{
		name: 'malformed XML',
		contentType: 'text/xml',
		bytes: Buffer.from(`<event><${MARKER}></event>`),
	},
	{ name: 'empty', contentType: 'application/json', bytes: Buffer.alloc(0) },
	{ name: 'empty, no content type', bytes: Buffer.alloc(0) },
	{
		name: `over ${PAYLOAD_SIZE_MAX_MIB} MiB (N8N_PAYLOAD_SIZE_MAX)`,
		contentType: 'application/json',
		bytes: Buffer.from(
			JSON.stringify({ pad: `${MARKER}${'x'.repeat(PAYLOAD_SIZE_MAX_MIB * 1024 * 1024)}` }),
		),
		oversized: true,
	},
];

/** The trigger's answer, written by hand from the README's table. */
function expectedStatus(body: Body, authenticated: boolean): number {
	if (body.oversized) return 413;
	if (!authenticated) return 401;
	return body.valid ? 200 : 400;
}

interface NodeKind {
	provider: ProviderId;
	/** How the node came to be, as the table says it. */
	name: string;
	url: string;
	workflowId: string;
	/** Only the trigger's own answers are asserted (a node this package offers). */
	offered: boolean;
	/** Why n8n would not activate the workflow, if it would not. */
	refused?: string;
}

interface Row {
	kind: NodeKind;
	body: string;
	authenticated: string;
	unauthenticated: string;
}

let workDir: string;
let server: N8nProcess | undefined;
let api: N8nApi;
let secrets: DeliverySecrets;
const kinds: NodeKind[] = [];
const rows: Row[] = [];
const n8nVersion = process.env.N8N_VERSION ?? '2.41.1';

/** The parameters the editor stores for a node: only those that differ from their default. */
function editorStored(provider: ProviderId, parameters: Record<string, unknown>) {
	const properties = triggerDescription(providerById(provider)!).properties;
	return Object.fromEntries(
		Object.entries(parameters).filter(([name, value]) => {
			const property = properties.find((candidate) => candidate.name === name);
			return property !== undefined && !isDeepStrictEqual(property.default, value);
		}),
	);
}

async function addKind(
	provider: ProviderId,
	name: string,
	workflow: WorkflowJson,
	offered = true,
): Promise<void> {
	const webhookId = String(workflow.nodes[0].webhookId);
	const deployed = api.deploy({ workflow, webhookPath: `${webhookId}/webhook` });
	if (offered) {
		const { id, url } = await deployed;
		kinds.push({ provider, name, url, workflowId: id, offered });
		return;
	}
	await deployed.then(
		({ id, url }) => kinds.push({ provider, name, url, workflowId: id, offered }),
		(error: Error) =>
			kinds.push({ provider, name, url: '', workflowId: '', offered, refused: error.message }),
	);
}

async function buildKinds(credentialIds: Record<ProviderId, Record<string, string>>) {
	for (const provider of PROVIDER_IDS) {
		const definition = providerById(provider)!;
		const fromApi = () =>
			triggerWorkflow({
				provider,
				name: `parsing ${provider}`,
				credentialIds: credentialIds[provider],
			}).workflow;
		await addKind(provider, 'created through the API (no options)', fromApi());

		const editor = fromApi();
		editor.nodes[0].parameters = editorStored(provider, editor.nodes[0].parameters);
		await addKind(provider, 'added in the editor', editor);

		const allInOne = definition.allInOneCredential;
		if (allInOne) {
			const old = fromApi();
			old.nodes[0].parameters.authentication = scriptAuthentication(provider);
			old.nodes[0].credentials = {
				[allInOne]: { id: credentialIds[provider][allInOne], name: allInOne },
			};
			await addKind(provider, 'added before the split (all-in-one credential)', old);

			// Version 2 existed on the main branch between two commits, never in a release.
			const versionTwo = fromApi();
			versionTwo.nodes[0].typeVersion = 2;
			versionTwo.nodes[0].parameters.authentication = scriptAuthentication(provider);
			await addKind(provider, 'stored at version 2 (development build)', versionTwo, false);
		}
	}
}

async function answer(
	url: string,
	body: Body,
	headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
	const sent = { ...headers };
	delete sent['content-type'];
	if (body.contentType) sent['content-type'] = body.contentType;
	const response = await fetch(url, { method: 'POST', headers: sent, body: body.bytes });
	return { status: response.status, text: await response.text() };
}

function expectOwnAnswer(answered: { status: number; text: string }, expected: number): void {
	expect(answered.status).toBe(expected);
	expect(answered.text).not.toContain(MARKER);
	expect(answered.text).not.toMatch(/stack|node_modules|\/work\/|\s+at\s/i);
	const parsed = JSON.parse(answered.text) as { status: string; reason: string };
	expect(parsed.status).toBe(expected === 200 ? 'accepted' : 'rejected');
}

beforeAll(async () => {
	({ server, workDir } = await startPackagedN8n('n8n-e2e-parsing-', {
		N8N_PAYLOAD_SIZE_MAX: String(PAYLOAD_SIZE_MAX_MIB),
	}));
	api = await N8nApi.setUp(server.baseUrl, newOwner());
	secrets = newSecrets();
	const credentialIds = {} as Record<ProviderId, Record<string, string>>;
	for (const provider of PROVIDER_IDS)
		credentialIds[provider] = await createTriggerCredentials(
			api,
			provider,
			secrets,
			`${provider} parsing`,
		);
	await buildKinds(credentialIds);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	const table = [
		`n8n ${n8nVersion}: answer to each body, authenticated / not (Partoo: Authentication None)`,
		'| Trigger | Node | Body | Authenticated | Not authenticated |',
		'|---|---|---|---|---|',
		...rows.map(
			({ kind, body, authenticated, unauthenticated }) =>
				`| ${providerById(kind.provider)!.displayName} | ${kind.name} | ${body} | ${authenticated} | ${unauthenticated} |`,
		),
	];
	process.stdout.write(`\n${table.join('\n')}\n`);
	if (server) await server.stop();
	removeWorkDir(workDir);
}, 60_000);

afterEach(() => printLogTailIfFailed(server));

/** What an answer looks like in the table: the status, and what n8n says when it answers itself. */
function cell(answered: { status: number; text: string }): string {
	const own = answered.text.startsWith('{"status":');
	const quoted = answered.text.includes(MARKER) ? ', quotes the body' : '';
	const stack = /stack|\s+at\s/.test(answered.text) ? ', stack trace' : '';
	return `${answered.status}${own ? '' : ` (n8n's${quoted}${stack})`}`;
}

describe.each(PROVIDER_IDS.map((provider) => [providerById(provider)!.displayName, provider]))(
	'the %s Trigger, in a real n8n',
	(_, provider) => {
		const validBody = (): Body => ({
			name: 'a documented payload (control)',
			contentType: 'application/json',
			bytes: fixtureFiles(provider as ProviderId)[0].bytes,
			valid: true,
		});

		it("answers every body n8n could parse with the trigger's own 400, 401 or 413, never quoting it", async () => {
			const signs = scriptAuthentication(provider as ProviderId) !== 'none';
			for (const kind of kinds.filter((candidate) => candidate.provider === provider)) {
				if (kind.refused) {
					const why = /Missing required credential: \w+/.exec(kind.refused)?.[0] ?? kind.refused;
					const refusal = `n8n refuses to activate it (${why})`;
					rows.push({ kind, body: 'any', authenticated: refusal, unauthenticated: refusal });
					continue;
				}
				for (const body of [validBody(), ...BODIES]) {
					const headers = signedHeaders(kind.provider, body.bytes, secrets);
					const authenticated = await answer(kind.url, body, headers);
					const unauthenticated = signs
						? await answer(kind.url, body, signedHeaders(kind.provider, body.bytes, newSecrets()))
						: undefined;
					rows.push({
						kind,
						body: body.name,
						authenticated: cell(authenticated),
						unauthenticated: unauthenticated ? cell(unauthenticated) : '(no authentication)',
					});
					if (!kind.offered) continue;
					expectOwnAnswer(authenticated, expectedStatus(body, true));
					if (unauthenticated) expectOwnAnswer(unauthenticated, expectedStatus(body, false));
				}
			}
		});
	},
);

describe('a trigger stored at a node version the package no longer has', () => {
	it('is refused activation by n8n, or refuses even a signed documented payload and says why', () => {
		const versionTwo = kinds.filter(({ offered }) => !offered);
		expect(versionTwo.map(({ provider }) => provider)).toEqual(['klink', 'staryaai']);
		for (const kind of versionTwo) {
			if (kind.refused) {
				expect(kind.refused).toContain('Missing required credential');
				continue;
			}
			const row = rows.find(
				(candidate) => candidate.kind === kind && candidate.body.includes('control'),
			);
			expect(row?.authenticated).toBe('503');
			expect(readFileSync(server!.logFile, 'utf8')).toContain(
				'is at node version 2, which this package no longer has',
			);
		}
	});
});
