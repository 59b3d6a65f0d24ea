import { healthApi } from '../shared/errorsPage/healthApi';
import { registerFunction } from '../shared/host/functionDefinitions';

export const definition = registerFunction({
  name: 'health',
  trigger: 'http',
  options: { route: 'health', methods: ['GET'], authLevel: 'function', handler: healthApi },
});
