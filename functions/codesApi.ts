import { registerFunction } from '../shared/host/functionDefinitions';
import { requireRole } from '../shared/http/auth/requireRole';
import { ERRORS_READ } from '../shared/http/auth/roles';
import { codesApi } from '../shared/http/codesApi';

export const definition = registerFunction({
  name: 'codesApi',
  trigger: 'http',
  options: {
    route: 'codes/{code?}',
    methods: ['GET'],
    authLevel: 'anonymous', // App Service Authentication signs the caller in; the role is checked here
    handler: requireRole(ERRORS_READ, codesApi),
  },
});
