#!/usr/bin/env node
// Compiles every app and lib with tsc into dist/ (one type-checked pass for the whole
// workspace) and copies the .proto contracts next to the compiled contracts lib.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '../..');
const started = Date.now();
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
fs.cpSync(path.join(root, 'libs/contracts/proto'), path.join(root, 'dist/libs/contracts/proto'), { recursive: true });
console.log(`build: compiled to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
