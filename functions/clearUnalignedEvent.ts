import { registerFunction } from '../shared/host/functionDefinitions';
import { requireRole } from '../shared/http/auth/requireRole';
import { ERRORS_REPLAY } from '../shared/http/auth/roles';
import { clearUnalignedEvent } from '../shared/http/unalignedEventsApi';

export const definition = registerFunction({
  name: 'clearUnalignedEvent',
  trigger: 'http',
  options: {
    route: 'unaligned-events',
    methods: ['DELETE'],
    authLevel: 'anonymous', // App Service Authentication signs the caller in; the role is checked here
    handler: requireRole(ERRORS_REPLAY, clearUnalignedEvent),
  },
});
