/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- development script (drives a real browser against a real n8n); not part of the published package */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { chromium, selectors, type BrowserContext, type Page } from 'playwright-core';

import { PROVIDER_IDS, providerById, type ProviderId } from '../lib/providerRegistry';
import { DEMO_FIELDS_NODE, DEMO_WORKFLOW_NAME, setUpDemo, type Demo } from './runtime/demo';
import { N8nApi, newOwner } from './runtime/n8nApi';
import { triggerWorkflow } from './runtime/workflows';
import { ensureN8nRuntime, REPO_ROOT, run } from './runtime/n8nRuntime';
import {
	freePort,
	installAsTheReadmeSays,
	packPackage,
	PACKAGE_NAME,
	startN8n,
	stopAll,
	tail,
} from './runtime/n8nServer';

/**
 * The nodes as a user meets them in n8n's editor, in Debian's Chromium (headless): the nodes
 * panel finds every node by its name and by each alias, and lists a trigger first among this
 * package's nodes for the names only it has; each node's settings panel opens with no error in
 * the page console; and the `npm start` demo walked as a user would (sign in, open the demo
 * workflow, run the printed curls, see their five executions, open the credentials). The
 * screenshots of each step (docs/editor-*.png, docs/demo-*.png, and docs/schema-preview.png of
 * the fields a node offers before any event) are written to docs/ by
 * `npm run docs:screenshots`, to .build/screenshots/ otherwise.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const VIEWPORT = { width: 1440, height: 900 };
// Screenshots go to docs/ only when asked (`npm run docs:screenshots`), so that CI and a
// contributor's check leave the work tree as it was.
const SCREENSHOT_DIR =
	process.env.SCREENSHOTS_TO_DOCS === '1'
		? join(REPO_ROOT, 'docs')
		: join(REPO_ROOT, '.build', 'screenshots');
const UI_TIMEOUT_MS = 20_000;

interface NodeUnderCheck {
	displayName: string;
	aliases: string[];
	isTrigger: boolean;
}

interface ConsoleError {
	text: string;
	url: string;
	during: string;
}

/**
 * Errors n8n's editor logs on its own, whatever nodes are installed, each with why it is not
 * ours. Anything else in the page console fails the check.
 */
const IGNORED_CONSOLE_ERRORS: Array<{ matches: (error: ConsoleError) => boolean; why: string }> = [
	{
		matches: ({ text, url }) => text.includes('401') && url.endsWith('/rest/login'),
		why: 'the sign-in page asks n8n whether a session exists before anyone signs in',
	},
	{
		matches: ({ text, url }) =>
			text.includes('404') &&
			new URL(url || 'x:/').pathname.startsWith('/schemas/') &&
			!new URL(url).pathname.startsWith(`/schemas/${PACKAGE_NAME}.`),
		why: "the editor asks for an optional output-schema file (`__schema__/` next to a node) for the schema preview of a node that has not run yet; n8n answers 404 for n8n's own nodes that ship none (this package's nodes ship one)",
	},
	{
		matches: ({ text, during }) =>
			during === OPENING_FROM_OVERVIEW &&
			text.includes('injectNDVStore() was accessed without an active workflow document store'),
		why: "n8n 2.41's editor reads its node-details store before the workflow opened from the Overview list has loaded; the message names n8n's own stores, no node",
	},
	{
		matches: ({ url }) => url.startsWith('https://registry.npmjs.org/'),
		why: "n8n's editor looks up installed community packages on the public npm registry; this machine reaches no outside host",
	},
];

const OPENING_FROM_OVERVIEW = 'opening the demo workflow from the overview';

const isIgnored = (error: ConsoleError) =>
	IGNORED_CONSOLE_ERRORS.find(({ matches }) => matches(error));

async function main(): Promise<void> {
	const started = Date.now();
	selectors.setTestIdAttribute('data-test-id');
	await ensureChromium();
	const nodes = await packagedNodes();
	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);

	const workDir = mkdtempSync(join(tmpdir(), 'n8n-browser-'));
	const userFolder = join(workDir, 'user');
	await installAsTheReadmeSays(userFolder, await packPackage(workDir));
	const n8n = await startN8n(runtime, {
		userFolder,
		port: await freePort(),
		logFile: join(workDir, 'n8n.log'),
	});
	let browser: BrowserContext | undefined;
	let standIn: Demo['standIn'] | undefined;
	let failed = true;
	const progress = { step: 'signing in' };
	try {
		const owner = newOwner();
		const api = await N8nApi.setUp(n8n.baseUrl, owner);
		const demo = await setUpDemo(api);
		standIn = demo.standIn;

		// A fresh profile per run: nothing cached or remembered from an earlier check.
		browser = await chromium.launchPersistentContext(join(workDir, 'chromium-profile'), {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: VIEWPORT,
			baseURL: n8n.baseUrl,
		});
		const page = browser.pages()[0] ?? (await browser.newPage());
		page.setDefaultTimeout(UI_TIMEOUT_MS);
		const consoleErrors: ConsoleError[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error')
				consoleErrors.push({
					text: message.text(),
					url: message.location().url,
					during: progress.step,
				});
		});
		page.on('pageerror', (error) =>
			consoleErrors.push({
				text: `${error.name}: ${error.message}`,
				url: '',
				during: progress.step,
			}),
		);

		let failure: string | undefined;
		try {
			await signIn(page, owner.email, owner.password);
			const walk = await walkDemo(page, api, demo, progress);
			const panel = await checkNodesPanel(page, nodes, progress);
			progress.step = 'previewing the output schema of nodes that have not run';
			await screenshotSchemaPreview(page, api);

			const unexplained = consoleErrors.filter((error) => !isIgnored(error));
			printSummary(panel, consoleErrors, unexplained);
			const failures = [...panel.failures, ...walk];
			if (unexplained.length)
				failures.push(`${unexplained.length} error(s) in the page console (listed above)`);
			if (failures.length) throw new Error(failures.join('\n- '));
			failed = false;
		} catch (error) {
			const screenshot = join(workDir, 'failure.png');
			await page.screenshot({ path: screenshot }).catch(() => undefined);
			failure = `while ${progress.step}:\n- ${(error as Error).message}\n\nPage: ${page.url()}, screenshot: ${screenshot}\nn8n log tail:\n${tail(n8n.logFile)}`;
		}
		if (failure) throw new Error(failure);
	} finally {
		await browser?.close();
		await stopAll();
		await standIn?.close();
		if (!failed && process.env.BROWSER_CHECK_KEEP !== '1')
			rmSync(workDir, { recursive: true, force: true });
	}
	console.log(
		`\nBrowser check passed in ${Math.round((Date.now() - started) / 1000)} s: every node found by its name and each alias (each trigger first for its own), every settings panel opened, the demo walked (five executions, every credential tested), no unexplained console error.`,
	);
}

interface NodesPanelResult {
	/** Search term → node names the panel listed. */
	found: Map<string, string[]>;
	/** Trigger display name → the actions the panel listed for it. */
	actionLabels: Map<string, string[]>;
	failures: string[];
}

/**
 * Searches the nodes panel for every node's name and alias, then adds the node and opens its
 * settings panel. An empty workflow's panel lists triggers, so triggers go first.
 */
async function checkNodesPanel(
	page: Page,
	nodes: NodeUnderCheck[],
	progress: { step: string },
): Promise<NodesPanelResult> {
	const result: NodesPanelResult = { found: new Map(), actionLabels: new Map(), failures: [] };
	await page.goto('/workflow/new');
	const triggersFirst = [...nodes].sort((a, b) => Number(b.isTrigger) - Number(a.isTrigger));
	const ours = new Set(nodes.map(listedName));
	for (const node of triggersFirst) {
		const ownNames = node.isTrigger ? providerNamesOf(node, nodes) : new Set<string>();
		for (const term of [node.displayName, ...node.aliases]) {
			progress.step = `searching the nodes panel for “${term}”`;
			const names = await searchNodesPanel(page, term);
			result.found.set(term, names);
			if (!names.includes(listedName(node)))
				result.failures.push(
					`searching “${term}” did not list ${listedName(node)} (listed: ${names.join(', ') || 'nothing'})`,
				);
			const firstOfOurs = names.find((name) => ours.has(name));
			if (ownNames.has(term) && firstOfOurs !== listedName(node))
				result.failures.push(
					`searching “${term}”, a name of ${listedName(node)} only, listed ${firstOfOurs ?? "none of this package's nodes"} first (listed: ${names.join(', ')})`,
				);
		}
		progress.step = `adding ${node.displayName} and opening its settings`;
		const opened = await addAndOpen(page, node);
		if (opened.actions.length) result.actionLabels.set(node.displayName, opened.actions);
		if (opened.problem) result.failures.push(`${node.displayName}: ${opened.problem}`);
		console.log(
			`  ${node.displayName}: found, settings panel ${opened.problem ? 'FAILED' : 'opened'}`,
		);
	}
	return result;
}

/**
 * A trigger's names that no other trigger has: its display name and the aliases naming its
 * provider (former names, spellings). Shared aliases (“Messaging”, “Chat”) name a kind of node,
 * not a provider, so any of the triggers may come first for them.
 */
function providerNamesOf(trigger: NodeUnderCheck, nodes: NodeUnderCheck[]): Set<string> {
	const key = (term: string) => term.toLowerCase();
	const elsewhere = new Set(
		nodes
			.filter((other) => other.isTrigger && other !== trigger)
			.flatMap((other) => [other.displayName, ...other.aliases].map(key)),
	);
	return new Set(
		[trigger.displayName, ...trigger.aliases].filter((term) => !elsewhere.has(key(term))),
	);
}

/** Debian's Chromium: installed with apt-get when missing (CI machines start without it). */
async function ensureChromium(): Promise<void> {
	if (existsSync(CHROMIUM)) return;
	if (process.getuid?.() !== 0)
		throw new Error(`Chromium is needed at ${CHROMIUM}: sudo apt-get install -y chromium`);
	console.log('Installing Chromium from Debian packages with apt-get (first run only)…');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const log = (line: string) => console.log(line);
	await run('apt-get', ['update'], { cwd: '/', env, log, progressEvery: 15_000 });
	await run('apt-get', ['install', '-y', '-o', 'DPkg::Lock::Timeout=300', 'chromium'], {
		cwd: '/',
		env,
		log,
		progressEvery: 15_000,
	});
	if (!existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
}

/** Names and aliases as the built package declares them (dist/: what `npm pack` ships). */
async function packagedNodes(): Promise<NodeUnderCheck[]> {
	const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	const nodes: NodeUnderCheck[] = [];
	for (const file of manifest.n8n.nodes) {
		const path = join(REPO_ROOT, file);
		const exported = Object.values((await import(path)) as Record<string, new () => unknown>)[0];
		const { description } = new exported() as {
			description: { displayName: string; group: string[] };
		};
		const codexPath = path.replace(/\.js$/, '.json');
		const codex = existsSync(codexPath)
			? (JSON.parse(readFileSync(codexPath, 'utf8')) as { alias?: string[] })
			: {};
		nodes.push({
			displayName: description.displayName,
			aliases: codex.alias ?? [],
			isTrigger: description.group.includes('trigger'),
		});
	}
	return nodes;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
	await page.goto('/signin');
	await page.getByTestId('emailOrLdapLoginId').locator('input').fill(email);
	await page.getByTestId('password').locator('input').fill(password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** The nodes panel names a trigger without its “ Trigger” suffix. */
const listedName = (node: NodeUnderCheck) =>
	node.isTrigger ? node.displayName.replace(/ Trigger$/, '') : node.displayName;

async function openNodesPanel(page: Page): Promise<void> {
	if (await page.getByTestId('node-creator-search-bar').isVisible()) return;
	const firstStep = page.getByTestId('canvas-add-button');
	if (await firstStep.isVisible()) await firstStep.click();
	else await page.getByTestId('node-creator-plus-button').click();
	await page.getByTestId('node-creator-search-bar').waitFor();
}

/** Types a term into the nodes panel's search and returns the node names it lists, once they settle. */
async function searchNodesPanel(page: Page, term: string): Promise<string[]> {
	await openNodesPanel(page);
	await page.getByTestId('node-creator-search-bar').fill(term);
	const names = page.getByTestId('node-creator').getByTestId('node-creator-item-name');
	let previous = '';
	for (let attempt = 0; attempt < 40; attempt++) {
		await page.waitForTimeout(250);
		const current = JSON.stringify(await names.allInnerTexts());
		if (current === previous && current !== '[]') break;
		previous = current;
	}
	return (await names.allInnerTexts()).map((name) => name.trim());
}

/**
 * Picks the node from the search results (a trigger first lists its actions: they are read,
 * and the first is taken), waits for its settings panel, and closes it again.
 */
async function addAndOpen(
	page: Page,
	node: NodeUnderCheck,
): Promise<{ actions: string[]; problem?: string }> {
	await searchNodesPanel(page, node.displayName);
	const creator = page.getByTestId('node-creator');
	const nameIs = (name: string) =>
		page.getByTestId('node-creator-item-name').getByText(name, { exact: true });
	await creator
		.getByTestId('item-iterator-item')
		.filter({ has: nameIs(listedName(node)) })
		.click();
	// A community node first shows its details: a trigger with its actions, any other node
	// with an “Add to workflow” button.
	const ndv = page.getByTestId('ndv');
	const actionsHeader = creator.getByTestId('node-creator-category-item').first();
	const addButton = creator.getByRole('button', { name: 'Add to workflow' });
	await Promise.race(
		[ndv.waitFor(), actionsHeader.waitFor(), addButton.waitFor()].map((shown) =>
			shown.catch(() => undefined),
		),
	);
	let actions: string[] = [];
	if (await actionsHeader.isVisible()) {
		const actionNames = creator.getByTestId('node-creator-item-name');
		await actionNames.first().waitFor();
		await page.waitForTimeout(500);
		actions = (await actionNames.allInnerTexts()).map((name) => name.trim());
		await creator.getByTestId('item-iterator-item').first().click();
	} else if (await addButton.isVisible()) await addButton.click();
	try {
		await ndv.waitFor();
		await ndv.getByTestId('node-parameters').waitFor();
	} catch {
		return { actions, problem: 'its settings panel did not open' };
	}
	await page.keyboard.press('Escape');
	await ndv.waitFor({ state: 'hidden' });
	await creator.waitFor({ state: 'hidden' });
	return { actions };
}

/**
 * The `npm start` demo as a user walks it, a screenshot of each step: the signed-in overview,
 * the demo workflow, the printed curls run as printed (each answered 200), the workflow's
 * five executions, one execution's Event Fields output, a trigger's settings, and each demo
 * credential, which must pass its own test. Returns what failed.
 */
async function walkDemo(
	page: Page,
	api: N8nApi,
	demo: Demo,
	progress: { step: string },
): Promise<string[]> {
	const failures: string[] = [];
	progress.step = OPENING_FROM_OVERVIEW;
	await page.goto('/home/workflows');
	const card = page.getByTestId('resources-list-item-workflow').filter({
		has: page.getByTestId('workflow-card-name').getByText(DEMO_WORKFLOW_NAME, { exact: true }),
	});
	await card.waitFor();
	await saveScreenshot(page, 'demo-1-overview.png');
	await card.getByTestId('workflow-card-name').click();
	await page.waitForURL((url) => url.pathname.startsWith(`/workflow/${demo.workflowId}`));
	const canvasNodes = page.locator('[data-test-id="canvas-node"]');
	for (const { nodeName } of demo.deliveries)
		await canvasNodes.and(page.locator(`[data-node-name="${nodeName}"]`)).waitFor();
	await closeProductionChecklist(page);
	await saveScreenshot(page, 'demo-2-workflow.png');

	progress.step = 'running the printed curls';
	for (const { nodeName, curl } of demo.deliveries) {
		const answer = await run('bash', ['-c', `${curl} -sS -w ' %{http_code}'`], {
			cwd: REPO_ROOT,
			log: () => undefined,
		});
		console.log(`  ${nodeName}: curl answered ${answer.trim()}`);
		if (!/"status":"accepted".* 200$/.test(answer.trim()))
			failures.push(`the printed curl for ${nodeName} was answered ${answer.trim()}`);
	}
	const executions = await api.settledExecutions(demo.workflowId, demo.deliveries.length);
	const succeeded = executions.filter(({ status }) => status === 'success');
	if (succeeded.length !== demo.deliveries.length)
		failures.push(
			`the demo workflow has ${succeeded.length} successful executions of ${executions.length}, not ${demo.deliveries.length}`,
		);

	progress.step = "opening the demo workflow's executions";
	await page.goto(`/workflow/${demo.workflowId}/executions`);
	const cards = page
		.getByTestId('current-executions-list')
		.locator('[data-test-id^="execution-details-"]');
	for (let attempt = 0; attempt < 80; attempt++) {
		if ((await cards.count()) >= demo.deliveries.length) break;
		await page.waitForTimeout(250);
	}
	const listed = await cards.count();
	console.log(`  Executions tab lists ${listed} executions`);
	if (listed !== demo.deliveries.length)
		failures.push(`the Executions tab lists ${listed} executions, not ${demo.deliveries.length}`);
	if (executions[0]) await screenshotExecution(page, demo.workflowId, executions[0].id);
	await page.goto(`/workflow/${demo.workflowId}/executions`);
	await cards.first().waitFor();
	await page.waitForLoadState('networkidle');
	await closeProductionChecklist(page);
	await saveScreenshot(page, 'demo-3-executions.png');

	progress.step = "opening a demo trigger's settings";
	const shown = demo.deliveries.find(({ provider }) => isSignedAndRegistered(provider));
	if (shown) await screenshotTrigger(page, demo.workflowId, shown.nodeName);

	for (const credential of demo.credentials) {
		progress.step = `opening the credential “${credential.name}”`;
		await page.goto(`/home/credentials/${credential.id}`);
		const tested = page.getByText('Connection tested successfully');
		const failed = page.getByText(/Couldn.t connect with these settings/);
		await Promise.race([tested.waitFor(), failed.waitFor()]).catch(() => undefined);
		const passed = await tested.isVisible();
		console.log(
			`  credential “${credential.name}”: ${passed ? 'tested successfully' : 'FAILED its test'}`,
		);
		if (!passed) failures.push(`the demo credential “${credential.name}” did not pass its test`);
		// The same provider's credential: an API credential (which used to open in red), tested against the stand-in.
		if (isSignedAndRegistered(credential.provider) || !passed)
			await saveScreenshot(
				page,
				passed ? 'demo-4-credential.png' : `failed-credential-${credential.provider}.png`,
			);
		await page.keyboard.press('Escape');
	}
	return failures;
}

/** The provider whose trigger and credential the screenshots show: it signs with a shared secret and registers its webhook. */
const SHOWN_PROVIDER = PROVIDER_IDS.find(
	(id) => providerById(id)!.hmacSignature && providerById(id)!.registration,
);
const isSignedAndRegistered = (provider: ProviderId) => provider === SHOWN_PROVIDER;

/**
 * n8n opens its Production Checklist over a workflow the first time it is published; a user
 * closes it to see the canvas.
 */
async function closeProductionChecklist(page: Page): Promise<void> {
	const checklist = page.getByText('Production Checklist', { exact: true });
	try {
		await checklist.waitFor({ timeout: 3000 });
	} catch {
		return;
	}
	await page.keyboard.press('Escape');
	await checklist.waitFor({ state: 'hidden' });
}

/** A demo trigger's settings, with its production URL shown. */
async function screenshotTrigger(page: Page, workflowId: string, nodeName: string): Promise<void> {
	await page.goto(`/workflow/${workflowId}`);
	await openNodeOnCanvas(page, nodeName);
	const ndv = page.getByTestId('ndv');
	await ndv.getByText('Webhook URLs', { exact: true }).click();
	await ndv.getByText('Production URL', { exact: true }).click();
	await saveScreenshot(page, 'editor-trigger.png');
	await page.keyboard.press('Escape');
	await ndv.waitFor({ state: 'hidden' });
}

/** The execution as *Executions* shows it, with the Event Fields node's output open. */
async function screenshotExecution(
	page: Page,
	workflowId: string,
	executionId: string,
): Promise<void> {
	await page.goto(`/workflow/${workflowId}/executions/${executionId}`);
	await openNodeOnCanvas(page, DEMO_FIELDS_NODE);
	const output = page.getByTestId('output-panel');
	await output.getByTestId('radio-button-json').click();
	await saveScreenshot(page, 'editor-executions.png');
	await page.keyboard.press('Escape');
}

/**
 * Fields to map before the first event: in a workflow whose trigger has never run, the node
 * after Event Fields previews Event Fields' output schema (n8n 2.41's editor shows no preview
 * of a trigger's own output: "Trigger nodes do not have schema previews").
 */
async function screenshotSchemaPreview(page: Page, api: N8nApi): Promise<void> {
	const { workflow } = triggerWorkflow({
		provider: PROVIDER_IDS[0],
		name: 'Schema preview: no event yet',
		credentialIds: {},
		authentication: 'none',
		then: [
			{ name: 'Event Fields', type: `${PACKAGE_NAME}.eventFields`, parameters: {} },
			{ name: 'Add to CRM', type: 'n8n-nodes-base.noOp', parameters: {} },
		],
	});
	const id = await api.createWorkflow(workflow);
	// Tall enough for the whole event: the panel only draws the rows in view.
	await page.setViewportSize({ width: VIEWPORT.width, height: 1500 });
	await page.goto(`/workflow/${id}`);
	await openNodeOnCanvas(page, 'Add to CRM');
	const input = page.getByTestId('ndv-input-panel');
	for (const field of ['contact', 'name', 'sender', 'senderType'])
		await input.getByText(field, { exact: true }).first().waitFor();
	await saveScreenshot(page, 'schema-preview.png');
	await page.keyboard.press('Escape');
	await page.setViewportSize(VIEWPORT);
}

async function openNodeOnCanvas(page: Page, nodeName: string): Promise<void> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await page.getByTestId('ndv').getByTestId('node-parameters').waitFor();
}

async function saveScreenshot(page: Page, file: string): Promise<void> {
	await page.mouse.move(0, VIEWPORT.height - 1);
	await page.waitForTimeout(800);
	const path = join(SCREENSHOT_DIR, file);
	mkdirSync(dirname(path), { recursive: true });
	await page.screenshot({ path });
	console.log(`Wrote ${relative(REPO_ROOT, path)}`);
}

function printSummary(
	{ found, actionLabels }: NodesPanelResult,
	consoleErrors: ConsoleError[],
	unexplained: ConsoleError[],
): void {
	console.log('\nNodes panel search (term → nodes listed):');
	for (const [term, names] of found) console.log(`  ${term} → ${names.join(', ') || '(none)'}`);
	console.log('\nTrigger actions listed in the nodes panel:');
	for (const [node, labels] of actionLabels) console.log(`  ${node}: ${labels.join(' | ')}`);
	console.log(
		`\nPage console errors: ${consoleErrors.length} (${unexplained.length} not explained)`,
	);
	const grouped = new Map<string, ConsoleError[]>();
	for (const error of consoleErrors) {
		const key = `${error.text.slice(0, 300)}${error.url ? ` (${error.url})` : ''}`;
		grouped.set(key, [...(grouped.get(key) ?? []), error]);
	}
	for (const [key, errors] of grouped) {
		const ignored = isIgnored(errors[0]);
		const steps = [...new Set(errors.map(({ during }) => during))];
		console.log(
			`  ${errors.length} × ${key}\n      while ${steps.join('; ')}\n      ${ignored ? `ignored: ${ignored.why}` : 'NOT EXPLAINED'}`,
		);
	}
}

main().catch(async (error: Error) => {
	console.error(`\nBrowser check FAILED ${error.message}`);
	await stopAll();
	process.exit(1);
});
