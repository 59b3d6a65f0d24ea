import { registerFunction } from '../shared/host/functionDefinitions';
import { errorsPage } from '../shared/http/page/errorsPage';

export const definition = registerFunction({
  name: 'errorsPage',
  trigger: 'http',
  options: { route: 'errors-page/{asset?}', methods: ['GET'], authLevel: 'function', handler: errorsPage },
});
