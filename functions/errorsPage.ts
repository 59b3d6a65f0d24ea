import { registerFunction } from '../shared/host/functionDefinitions';
import { requireRole } from '../shared/http/auth/requireRole';
import { ERRORS_READ } from '../shared/http/auth/roles';
import { deniedPage } from '../shared/http/page/deniedPage';
import { errorsPage } from '../shared/http/page/errorsPage';

export const definition = registerFunction({
  name: 'errorsPage',
  trigger: 'http',
  options: {
    route: 'errors-page/{asset?}',
    methods: ['GET'],
    authLevel: 'anonymous', // App Service Authentication signs the caller in; the role is checked here
    handler: requireRole(ERRORS_READ, errorsPage, deniedPage),
  },
});
