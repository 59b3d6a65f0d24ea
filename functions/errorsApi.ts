import { registerFunction } from '../shared/host/functionDefinitions';
import { errorsApi } from '../shared/http/errorsApi';

export const definition = registerFunction({
  name: 'errorsApi',
  trigger: 'http',
  options: { route: 'errors/{transactionId?}', methods: ['GET'], authLevel: 'function', handler: errorsApi },
});
