import type { INodeType } from 'n8n-workflow';

import type { ProviderId } from '../../lib/providerRegistry';
import { DotdigitalTrigger } from '../../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { KlinkTrigger } from '../../nodes/KlinkTrigger/KlinkTrigger.node';
import { PartooTrigger } from '../../nodes/PartooTrigger/PartooTrigger.node';
import { StaryaAiTrigger } from '../../nodes/StaryaAiTrigger/StaryaAiTrigger.node';
import { TimelyAiTrigger } from '../../nodes/TimelyAiTrigger/TimelyAiTrigger.node';

/** One instance of each provider's trigger node, by provider id. */
export const TRIGGER_NODES: Record<ProviderId, INodeType> = {
	klink: new KlinkTrigger(),
	partoo: new PartooTrigger(),
	timelyai: new TimelyAiTrigger(),
	dotdigital: new DotdigitalTrigger(),
	staryaai: new StaryaAiTrigger(),
};
