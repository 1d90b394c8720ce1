#!/usr/bin/env node
// Runs a compiled app from dist/, resolving the workspace's path aliases to the compiled libs.
const path = require('path');
const tsconfigPaths = require('tsconfig-paths');
const root = path.resolve(__dirname, '../..');
const { paths } = require(path.join(root, 'tsconfig.base.json')).compilerOptions;
const distPaths = {};
for (const [alias, [target]] of Object.entries(paths)) distPaths[alias] = [target.replace(/\.ts$/, '')];
tsconfigPaths.register({ baseUrl: path.join(root, 'dist'), paths: distPaths });
const app = process.argv[2];
if (!app) {
  console.error('usage: run-app.js <app-name>');
  process.exit(2);
}
require(path.join(root, 'dist/apps', app, 'src/main.js'));
