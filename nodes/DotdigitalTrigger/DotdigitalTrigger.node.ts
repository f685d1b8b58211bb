import { messagingTrigger } from '../../lib/n8n/messagingTrigger';
import { dotdigitalProvider } from '../../lib/providers/dotdigital';

export class DotdigitalTrigger extends messagingTrigger(dotdigitalProvider) {}
