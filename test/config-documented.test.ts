/** The README's configuration table and .env.example are how admins learn the variables: keep them complete. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../src/config';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const envExample = readFileSync(join(root, '.env.example'), 'utf8');

describe('every configuration variable is documented', () => {
  it.each(CONFIG_VARIABLES.map((name) => [name]))('%s is in the README configuration table', (name) => {
    const tableRows = readme.split('\n').filter((line) => line.startsWith('|'));
    expect(tableRows.some((row) => row.includes(`\`${name}\``))).toBe(true);
  });

  it.each(CONFIG_VARIABLES.map((name) => [name]))('%s is in .env.example', (name) => {
    expect(envExample).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
