import { registerFunction } from '../shared/host/functionDefinitions';
import { healthProbe } from '../shared/http/healthApi';

/** The monitoring probe: excluded from App Service Authentication (infra/modules/authentication.bicep). */
export const HEALTH_PROBE_ROUTE = 'health/probe';

export const definition = registerFunction({
  name: 'healthProbe',
  trigger: 'http',
  options: { route: HEALTH_PROBE_ROUTE, methods: ['GET'], authLevel: 'anonymous', handler: healthProbe },
});
