import { errorsPage } from '../shared/errorsPage/errorsPage';
import { registerFunction } from '../shared/host/functionDefinitions';

export const definition = registerFunction({
  name: 'errorsPage',
  trigger: 'http',
  options: { route: 'errors-page/{asset?}', methods: ['GET'], authLevel: 'function', handler: errorsPage },
});
