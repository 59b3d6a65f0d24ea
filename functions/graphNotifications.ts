import { registerFunction } from '../shared/host/functionDefinitions';
import { graphWebhook } from '../shared/http/graphWebhook';

/** Anonymous on purpose: Microsoft Graph cannot send a function key; clientState authenticates. */
export const definition = registerFunction({
  name: 'graphNotifications',
  trigger: 'http',
  options: { route: 'graph/{channel}', methods: ['POST'], authLevel: 'anonymous', handler: graphWebhook },
});
