import { ExecuteContext } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type IRunExecutionData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

/**
 * Runs a regular node's `execute()` inside n8n-core's real ExecuteContext (parameter defaults,
 * expressions, fixed collections, continue-on-fail) and returns its outputs.
 */
export async function runNode(
	nodeType: INodeType,
	parameters: INode['parameters'],
	items: object[],
	{ continueOnFail = false }: { continueOnFail?: boolean } = {},
): Promise<INodeExecutionData[][]> {
	const node: INode = {
		id: 'node-under-test',
		name: 'Node',
		type: `n8n-nodes-messaging-triggers.${nodeType.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		continueOnFail,
	};
	const workflow = new Workflow({
		id: 'wf',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => nodeType,
			getByNameAndVersion: () => nodeType,
			getKnownTypes: () => ({}),
		},
	});
	const workflowNode = workflow.getNode('Node') as INode;
	const input = items.map((json) => ({ json: json as IDataObject }));
	const inputData = { main: [input] };
	const runExecutionData = { resultData: { runData: {} } } as unknown as IRunExecutionData;
	const context = new ExecuteContext(
		workflow,
		workflowNode,
		{} as IWorkflowExecuteAdditionalData,
		'internal',
		runExecutionData,
		0,
		input,
		inputData,
		{ node: workflowNode, data: inputData, source: null },
		[],
	);
	return (await nodeType.execute!.call(context)) as INodeExecutionData[][];
}
