import { registerFunction } from '../shared/host/functionDefinitions';
import { healthApi } from '../shared/http/healthApi';

export const definition = registerFunction({
  name: 'health',
  trigger: 'http',
  options: { route: 'health', methods: ['GET'], authLevel: 'function', handler: healthApi },
});
