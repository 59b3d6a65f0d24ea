import { registerFunction } from '../shared/host/functionDefinitions';
import { requireRole } from '../shared/http/auth/requireRole';
import { ERRORS_REPLAY } from '../shared/http/auth/roles';
import { replayApi } from '../shared/http/replayApi';

export const definition = registerFunction({
  name: 'replayTransaction',
  trigger: 'http',
  options: {
    route: 'transactions/{transactionId}/replay',
    methods: ['POST'],
    authLevel: 'anonymous', // App Service Authentication signs the caller in; the role is checked here
    handler: requireRole(ERRORS_REPLAY, replayApi),
  },
});
