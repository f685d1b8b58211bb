/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-require-imports -- end-to-end suite: a real n8n; not part of the published package */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import type { INodeType } from 'n8n-workflow';

import { N8nApi, newOwner } from '../../scripts/runtime/n8nApi';
import { PACKAGE_NAME, stopAll, type N8nProcess } from '../../scripts/runtime/n8nServer';
import { repositoryFile } from '../support/fixtures';
import { printLogTailIfFailed, removeWorkDir, startPackagedN8n } from './packagedN8n';

jest.setTimeout(600_000);

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(repositoryFile('package.json')) as { n8n: { nodes: string[] } };

let server: N8nProcess;
let workDir: string | undefined;

beforeAll(async () => {
	({ server, workDir } = await startPackagedN8n('n8n-schemas-'));
	await N8nApi.setUp(server.baseUrl, newOwner());
});

afterEach(() => printLogTailIfFailed(server));

/** A GET as the editor sends it; once more when a kept-alive socket was closed under it. */
async function get(url: string): Promise<Response> {
	return await fetch(url).catch(async () => await fetch(url));
}

afterAll(async () => {
	await stopAll();
	removeWorkDir(workDir);
});

describe("in a real n8n, the editor's schema preview of a node that has not run", () => {
	it.each(manifest.n8n.nodes)(
		'is answered from %s/__schema__ for every version the node declares',
		async (file) => {
			const className = basename(file).split('.')[0];
			const module = require(join(ROOT, file)) as Record<string, new () => INodeType>;
			const { name, version } = new module[className]().description;
			for (const declared of [version].flat()) {
				// The request the editor sends (getSchemaPreview: the version padded, no cookie).
				const url = `${server.baseUrl}/schemas/${PACKAGE_NAME}.${name}/${declared}.0.0.json`;
				const response = await get(url);
				expect([url, response.status]).toEqual([url, 200]);
				const built = readFileSync(
					join(ROOT, dirname(file), '__schema__', `v${declared}.0.0.json`),
					'utf8',
				);
				expect(await response.json()).toEqual(JSON.parse(built));
			}
			const missing = await get(`${server.baseUrl}/schemas/${PACKAGE_NAME}.${name}/9.0.0.json`);
			expect(missing.status).toBe(404);
		},
	);
});
