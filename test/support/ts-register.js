// A tiny require hook so a child process can run TypeScript sources directly:
//   node -r ./test/support/ts-register.js test/queue/fixtures/some-child.ts
// Crash tests spawn such children and kill them with SIGKILL; they must run the same src/ code the suite tests,
// without a build step. Type-checking is the suite's job (tsc), so this only transpiles.
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  inlineSourceMap: true,
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
