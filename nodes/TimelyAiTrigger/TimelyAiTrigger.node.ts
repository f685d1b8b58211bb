import { messagingTrigger } from '../../lib/n8n/messagingTrigger';
import { timelyAiProvider } from '../../lib/providers/timelyai';

export class TimelyAiTrigger extends messagingTrigger(timelyAiProvider) {}
