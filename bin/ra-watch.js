#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci`/`npm install` via "prepare").
require('../dist/src/cli/main.js').main();
