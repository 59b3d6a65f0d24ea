import { registerFunction } from '../shared/host/functionDefinitions';
import { requireRole } from '../shared/http/auth/requireRole';
import { ERRORS_READ } from '../shared/http/auth/roles';
import { EXPORT_ROUTE, errorsExport } from '../shared/http/errorsExport';

export const definition = registerFunction({
  name: 'errorsExport',
  trigger: 'http',
  options: {
    route: EXPORT_ROUTE,
    methods: ['GET'],
    authLevel: 'anonymous', // App Service Authentication signs the caller in; the role is checked here
    handler: requireRole(ERRORS_READ, errorsExport),
  },
});
