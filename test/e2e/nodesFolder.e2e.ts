/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- end-to-end suite: starts a real n8n; not part of the published package */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_N8N_VERSION, ensureN8nRuntime, REPO_ROOT } from '../../scripts/runtime/n8nRuntime';
import {
	freePort,
	installAsTheReadmeSays,
	packPackage,
	PACKAGE_NAME,
	startN8n,
} from '../../scripts/runtime/n8nServer';
import { removeWorkDir } from './packagedN8n';

/**
 * The README's nodes-folder route, its commands as written, then a plain `npm install` in the
 * folder; n8n (N8N_VERSION, else the pinned one) started on it, stopped, and the pinned n8n
 * started on the same user folder: with N8N_VERSION=1.123.81 (`npm run test:e2e:1x`) an
 * upgrade to 2.41.1.
 */
const FIRST = process.env.N8N_VERSION || DEFAULT_N8N_VERSION;
const OWNER = { email: 'nodes-folder@example.com', password: 'Nodes-folder-1A' };

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[] };
};
/** `dist/nodes/KlinkTrigger/KlinkTrigger.node.js` → `n8n-nodes-messaging-triggers.klinkTrigger` */
const PACKAGED_NODE_TYPES = manifest.n8n.nodes.map((file) => {
	const className = file.replace(/^.*\/([^/]+)\.node\.js$/, '$1');
	return `${PACKAGE_NAME}.${className[0].toLowerCase()}${className.slice(1)}`;
});

/** The node types of this package that n8n's editor is given (`/types/nodes.json`, signed in). */
async function loadedNodeTypes(baseUrl: string, firstStart: boolean): Promise<string[]> {
	const post = async (path: string, body: unknown) =>
		await fetch(`${baseUrl}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
	if (firstStart)
		await post('/rest/owner/setup', { ...OWNER, firstName: 'Nodes', lastName: 'Folder' });
	const login = await post('/rest/login', {
		emailOrLdapLoginId: OWNER.email,
		password: OWNER.password,
	});
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	const answer = (await (
		await fetch(`${baseUrl}/types/nodes.json`, { headers: { cookie } })
	).json()) as Array<{ name: string }> | { data: Array<{ name: string }> };
	const types = Array.isArray(answer) ? answer : answer.data;
	return [
		...new Set(types.map(({ name }) => name).filter((name) => name.startsWith(`${PACKAGE_NAME}.`))),
	];
}

let workDir: string | undefined;
afterAll(() => removeWorkDir(workDir));

it(`the README's nodes-folder install survives a later npm install and a restart by n8n ${DEFAULT_N8N_VERSION} after n8n ${FIRST}`, async () => {
	workDir = mkdtempSync(join(tmpdir(), 'n8n-nodes-folder-'));
	const userFolder = join(workDir, 'user');
	await installAsTheReadmeSays(userFolder, await packPackage(workDir));
	const loaded: Record<string, string[]> = {};
	for (const [index, version] of [FIRST, DEFAULT_N8N_VERSION].entries()) {
		const server = await startN8n(await ensureN8nRuntime(version), {
			userFolder,
			port: await freePort(),
			logFile: join(workDir, `n8n-${index}.log`),
		});
		try {
			loaded[`${index + 1}: n8n ${version}`] = await loadedNodeTypes(server.baseUrl, index === 0);
		} finally {
			await server.stop();
		}
	}
	for (const types of Object.values(loaded))
		expect(types).toEqual(expect.arrayContaining(PACKAGED_NODE_TYPES));
}, 900_000);
