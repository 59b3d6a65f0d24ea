import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionDefinition } from '../../shared/host/functionDefinitions';

/** Every function the app registers, read from the same `definition` exports the registration uses. */
export function loadFunctionDefinitions(
  functionsDir = join(__dirname, '..', '..', 'functions'),
): FunctionDefinition[] {
  return readdirSync(functionsDir)
    .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts') && !file.endsWith('.map'))
    .sort()
    .map((file) => (require(join(functionsDir, file)) as { definition?: FunctionDefinition }).definition)
    .filter((definition): definition is FunctionDefinition => definition !== undefined);
}
