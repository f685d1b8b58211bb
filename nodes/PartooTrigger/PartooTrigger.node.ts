import { messagingTrigger } from '../../lib/n8n/messagingTrigger';
import { partooProvider } from '../../lib/providers/partoo';

export class PartooTrigger extends messagingTrigger(partooProvider) {}
