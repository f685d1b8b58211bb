/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- end-to-end suites: start a real n8n; not part of the published package */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8nRuntime } from '../../scripts/runtime/n8nRuntime';
import {
	freePort,
	installPackage,
	packPackage,
	startN8n,
	tail,
	type N8nProcess,
} from '../../scripts/runtime/n8nServer';

/** The pinned n8n (or N8N_VERSION) on a free loopback port, with this package packed and installed. */
export async function startPackagedN8n(
	prefix: string,
	env?: Record<string, string>,
): Promise<{ server: N8nProcess; workDir: string }> {
	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);
	const workDir = mkdtempSync(join(tmpdir(), prefix));
	const userFolder = join(workDir, 'user');
	await installPackage(userFolder, await packPackage(workDir));
	const server = await startN8n(runtime, {
		userFolder,
		port: await freePort(),
		logFile: join(workDir, 'n8n.log'),
		env,
	});
	return { server, workDir };
}

/** Removes a suite's folder, unless E2E_KEEP=1 asks to keep it for a look. */
export function removeWorkDir(workDir: string | undefined): void {
	if (workDir && process.env.E2E_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
}

/** After a test with a failed assertion, the end of n8n's log. */
export function printLogTailIfFailed(server: N8nProcess | undefined): void {
	const state = expect.getState();
	if (server && state.assertionCalls > state.numPassingAsserts)
		process.stdout.write(`\nn8n log tail:\n${tail(server.logFile)}\n`);
}
