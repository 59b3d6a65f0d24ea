import { registerFunction } from '../shared/host/functionDefinitions';
import { requireRole } from '../shared/http/auth/requireRole';
import { ERRORS_READ } from '../shared/http/auth/roles';
import { healthApi } from '../shared/http/healthApi';

export const definition = registerFunction({
  name: 'health',
  trigger: 'http',
  options: {
    route: 'health',
    methods: ['GET'],
    authLevel: 'anonymous', // App Service Authentication signs the caller in; the role is checked here
    handler: requireRole(ERRORS_READ, healthApi),
  },
});
