import { registerFunction } from '../shared/host/functionDefinitions';
import { requireRole } from '../shared/http/auth/requireRole';
import { ERRORS_READ } from '../shared/http/auth/roles';
import { errorsApi } from '../shared/http/errorsApi';

export const definition = registerFunction({
  name: 'errorsApi',
  trigger: 'http',
  options: {
    route: 'errors/{transactionId?}',
    methods: ['GET'],
    authLevel: 'anonymous', // App Service Authentication signs the caller in; the role is checked here
    handler: requireRole(ERRORS_READ, errorsApi),
  },
});
