import { registerFunction } from '../shared/host/functionDefinitions';
import { requireRole } from '../shared/http/auth/requireRole';
import { ERRORS_READ } from '../shared/http/auth/roles';
import { listUnalignedEvents } from '../shared/http/unalignedEventsApi';

export const definition = registerFunction({
  name: 'unalignedEvents',
  trigger: 'http',
  options: {
    route: 'unaligned-events',
    methods: ['GET'],
    authLevel: 'anonymous', // App Service Authentication signs the caller in; the role is checked here
    handler: requireRole(ERRORS_READ, listUnalignedEvents),
  },
});
