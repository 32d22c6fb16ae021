// tsc compiles only .ts: copy the non-TypeScript files the code reads at run time (SQL migrations, scenario
// files, console assets) from src/ to dist/src/, keeping their paths.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const copyable = new Set(['.sql', '.json', '.html', '.css', '.svg']);

function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(from);
    else if (copyable.has(path.extname(entry.name))) {
      const to = path.join(root, 'dist', path.relative(root, from));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}
walk(path.join(root, 'src'));
