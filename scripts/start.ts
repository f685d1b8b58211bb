/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- the `npm start` demo; not part of the published package */
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

import { displayName, setUpDemo, DEMO_WORKFLOW_NAME } from './runtime/demo';
import { onlyProviderCanSign } from './runtime/deliveries';
import { N8nApi, newOwner } from './runtime/n8nApi';
import { ensureN8nRuntime, REPO_ROOT, RUNTIME_DIR } from './runtime/n8nRuntime';
import { freePort, installPackage, packPackage, PACKAGE_NAME, startN8n } from './runtime/n8nServer';

async function main(): Promise<void> {
	const started = Date.now();
	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);

	// A fresh instance every time: the demo owns nothing a user would want to keep.
	const demoDir = join(RUNTIME_DIR, 'demo');
	rmSync(demoDir, { recursive: true, force: true });
	mkdirSync(demoDir, { recursive: true });
	console.log(`Packing ${PACKAGE_NAME} and installing it into n8n's community nodes folder…`);
	await installPackage(demoDir, await packPackage(demoDir));

	const port = Number(process.env.N8N_PORT) || ((await isFree(5678)) ? 5678 : await freePort());
	console.log(
		`Starting n8n ${runtime.n8nVersion} on http://127.0.0.1:${port} (log: ${relative(REPO_ROOT, join(demoDir, 'n8n.log'))})…`,
	);
	const n8n = await startN8n(runtime, {
		userFolder: demoDir,
		port,
		logFile: join(demoDir, 'n8n.log'),
	});
	const owner = newOwner();
	const demo = await setUpDemo(await N8nApi.setUp(n8n.baseUrl, owner));
	const stop = async () => {
		console.log('\nStopping n8n…');
		await n8n.stop();
		await demo.standIn.close();
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);

	const curls = demo.deliveries.map(
		({ provider, nodeName, curl }) =>
			`# ${nodeName}${onlyProviderCanSign(provider) ? ` (unsigned: only ${displayName(provider)} holds its signing key, so this trigger's Authentication is None)` : ''}\n${curl}`,
	);
	console.log(`
n8n is ready (${Math.round((Date.now() - started) / 1000)} s) with every ${PACKAGE_NAME} node in the nodes panel.

  Editor:    ${n8n.baseUrl}
  Login:     ${owner.email}
  Password:  ${owner.password}

Active workflow “${DEMO_WORKFLOW_NAME}”: one trigger per provider → Event Fields.
Send each trigger a correctly signed sample event (from the repository root), then open the
workflow's Executions tab:

${curls.join('\n\n')}

Credentials: ${demo.credentials.map(({ name }) => `“${name}”`).join(', ')}.
Those marked “local API stand-in” point their Base URL at ${demo.standIn.url}, a stand-in for
the provider's webhook API run by this script, so that their Test button works offline; with
your own account, enter your API key and the provider's Base URL.

Examples, imported inactive: ${demo.examples.map((name) => `“${name}”`).join(', ')}.
Their credentials are placeholders (named “<service> account”) and their Slack and HTTP URLs
fake: each workflow's sticky note, and examples/README.md, say what to set before activating one.

Ctrl-C stops n8n. The next \`npm start\` begins again from a fresh instance.`);
}

async function isFree(port: number): Promise<boolean> {
	try {
		await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
		return false;
	} catch {
		return true;
	}
}

main().catch((error: Error) => {
	console.error(`\nnpm start failed: ${error.message}`);
	process.exit(1);
});
