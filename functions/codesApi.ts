import { registerFunction } from '../shared/host/functionDefinitions';
import { codesApi } from '../shared/http/codesApi';

export const definition = registerFunction({
  name: 'codesApi',
  trigger: 'http',
  options: { route: 'codes/{code?}', methods: ['GET'], authLevel: 'function', handler: codesApi },
});
