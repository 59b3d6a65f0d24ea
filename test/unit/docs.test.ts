import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderErrorReference, withSettingsTable } from '../../scripts/docs/renderDocs';
import { CATALOGUE } from '../../shared/domain/catalogue';
import { SETTINGS } from '../../shared/settingDefinitions';

const root = join(__dirname, '..', '..');

describe('generated documentation', () => {
  it('docs/errors.md is what the catalogue renders, byte for byte (run npm run docs)', () => {
    expect(readFileSync(join(root, 'docs', 'errors.md'), 'utf8')).toBe(renderErrorReference(CATALOGUE));
  });

  it("the README's settings table is what the settings module renders (run npm run docs)", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(withSettingsTable(readme, SETTINGS)).toBe(readme);
  });

  it('every code has its own section with meaning and steps', () => {
    const page = renderErrorReference(CATALOGUE);
    for (const entry of CATALOGUE) {
      expect(page).toContain(`## ${entry.code}\n`);
      expect(page).toContain(`💡 ${entry.meaning}`);
      expect(page).toContain(`1. ${entry.steps[0]}`);
    }
  });
});
