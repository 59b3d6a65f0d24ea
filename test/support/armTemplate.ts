import { type BicepDiagnostic, compileMain } from '../../scripts/bicep';

/*
 * infra/main.bicep compiled by the real Bicep CLI (restored by `npm run infra:restore`), and a walk
 * over the ARM JSON it produces: the main template and the template of every module.
 */

export interface ArmParameter {
  readonly type: string;
  readonly defaultValue?: unknown;
  readonly metadata?: { readonly description?: string };
}

export interface ArmResource {
  readonly type: string;
  readonly apiVersion?: string;
  readonly name: string;
  readonly existing?: boolean;
  readonly condition?: unknown;
  readonly copy?: unknown;
  readonly scope?: string;
  readonly location?: string;
  readonly kind?: string;
  readonly tags?: unknown;
  readonly properties?: Record<string, unknown>;
}

export interface ArmTemplate {
  readonly $schema: string;
  readonly parameters?: Record<string, ArmParameter>;
  readonly variables?: Record<string, unknown>;
  /** An array (languageVersion 1.0) or an object keyed by symbolic name (2.0). */
  readonly resources: readonly ArmResource[] | Record<string, ArmResource>;
  readonly outputs?: Record<string, { readonly type: string; readonly value: unknown }>;
}

/** One template of the compiled file: `main` or the symbolic name of a module of main.bicep. */
export interface TemplateAt {
  readonly module: string;
  readonly template: ArmTemplate;
}

/** Compiles main.bicep; throws when the CLI is missing or the build fails, and returns the linter's findings. */
export function compileInfra(): { main: ArmTemplate; diagnostics: readonly BicepDiagnostic[] } {
  const build = compileMain();
  if (build.exitCode !== 0) {
    throw new Error(
      `bicep build infra/main.bicep failed (exit code ${build.exitCode}):\n${build.diagnostics
        .map((d) => `${d.file}(${d.line},${d.column}) ${d.level} ${d.rule}: ${d.message}`)
        .join('\n')}\n${build.otherOutput}`,
    );
  }
  return { main: JSON.parse(build.stdout) as ArmTemplate, diagnostics: build.diagnostics };
}

/** Resources with their symbolic names (languageVersion 2.0) or their names (1.0). */
const entries = (template: ArmTemplate): [string, ArmResource][] =>
  Array.isArray(template.resources)
    ? (template.resources as readonly ArmResource[]).map((r) => [r.name, r])
    : Object.entries(template.resources);

export const resourcesOf = (template: ArmTemplate): ArmResource[] => entries(template).map(([, r]) => r);

/** The main template, then each module's template (modules of modules too). */
export function templates(main: ArmTemplate): TemplateAt[] {
  const found: TemplateAt[] = [{ module: 'main', template: main }];
  const visit = (template: ArmTemplate) => {
    for (const [symbol, resource] of entries(template)) {
      if (resource.type !== 'Microsoft.Resources/deployments') continue;
      const nested = resource.properties?.template as ArmTemplate;
      found.push({ module: symbol, template: nested });
      visit(nested);
    }
  };
  visit(main);
  return found;
}

/** The module deployment of main.bicep with this symbolic name. */
export function moduleDeployment(main: ArmTemplate, symbol: string): ArmResource {
  const resource = (main.resources as Record<string, ArmResource>)[symbol];
  if (resource?.type !== 'Microsoft.Resources/deployments') throw new Error(`no module ${symbol}`);
  return resource;
}

/** Resources of a type across every template, with the module that declares each (existing ones left out). */
export function resourcesOfType(main: ArmTemplate, type: string): (ArmResource & { module: string })[] {
  return templates(main).flatMap(({ module, template }) =>
    resourcesOf(template)
      .filter((r) => r.type === type && !r.existing)
      .map((r) => ({ ...r, module })),
  );
}

/** The single resource of a type (fails when there are none or several). */
export function onlyResource(main: ArmTemplate, type: string): ArmResource & { module: string } {
  const found = resourcesOfType(main, type);
  if (found.length !== 1) throw new Error(`${found.length} resources of type ${type}, expected 1`);
  return found[0]!;
}
