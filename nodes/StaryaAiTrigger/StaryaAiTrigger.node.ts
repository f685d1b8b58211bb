import { messagingTrigger } from '../../lib/n8n/messagingTrigger';
import { staryaAiProvider } from '../../lib/providers/staryaai';

export class StaryaAiTrigger extends messagingTrigger(staryaAiProvider) {}
