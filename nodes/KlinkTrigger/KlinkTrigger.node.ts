import { messagingTrigger } from '../../lib/n8n/messagingTrigger';
import { klinkProvider } from '../../lib/providers/klink';

export class KlinkTrigger extends messagingTrigger(klinkProvider) {}
