import { codesApi } from '../shared/errorsPage/codesApi';
import { registerFunction } from '../shared/host/functionDefinitions';

export const definition = registerFunction({
  name: 'codesApi',
  trigger: 'http',
  options: { route: 'codes/{code?}', methods: ['GET'], authLevel: 'function', handler: codesApi },
});
