import { errorsApi } from '../shared/errorsPage/errorsApi';
import { registerFunction } from '../shared/host/functionDefinitions';

export const definition = registerFunction({
  name: 'errorsApi',
  trigger: 'http',
  options: { route: 'errors/{transactionId?}', methods: ['GET'], authLevel: 'function', handler: errorsApi },
});
