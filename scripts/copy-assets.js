// tsc compiles only .ts: copy the non-TypeScript files the code reads at run time (SQL migrations, scenario
// files, console assets) from src/ to dist/src/, keeping their paths. The web console's folder
// (src/console/public) is copied whole, .js included: its scripts are plain browser modules, not compiled.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const copyable = new Set(['.sql', '.json', '.html', '.css', '.svg']);
const consolePublic = path.join(root, 'src', 'console', 'public');

function copy(from) {
  const to = path.join(root, 'dist', path.relative(root, from));
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function walk(dir, copyAll) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    const inPublic = copyAll || from === consolePublic;
    if (entry.isDirectory()) walk(from, inPublic);
    else if (copyAll || copyable.has(path.extname(entry.name))) copy(from);
  }
}
walk(path.join(root, 'src'), false);
