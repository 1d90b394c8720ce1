#!/usr/bin/env node
// Keeps every project's project.json and the tsconfig path aliases in step with
// tools/scripts/projects.json, so adding a lib is one line there plus its src/.
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '../..');
const projects = JSON.parse(fs.readFileSync(path.join(__dirname, 'projects.json'), 'utf8'));
const tsconfigPath = path.join(root, 'tsconfig.base.json');
const tsconfig = JSON.parse(fs.readFileSync(tsconfigPath, 'utf8'));
const paths = {};
for (const p of projects) {
  const dir = path.join(root, p.root);
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  const name = p.root.replace(/^(apps|libs)\//, '').replace(/\//g, '-');
  const targets = {
    test: {
      executor: 'nx:run-commands',
      options: { command: `jest --selectProjects unit --passWithNoTests ${p.root}`, cwd: '{workspaceRoot}' },
    },
  };
  if (p.type === 'app') {
    targets.build = { executor: 'nx:run-commands', options: { command: 'node tools/scripts/build.js', cwd: '{workspaceRoot}' }, cache: false };
    targets.serve = { executor: 'nx:run-commands', dependsOn: ['build'], options: { command: `node tools/scripts/run-app.js ${name}`, cwd: '{workspaceRoot}' } };
  }
  const projectJson = {
    name,
    $schema: path.relative(dir, path.join(root, 'node_modules/nx/schemas/project-schema.json')),
    sourceRoot: `${p.root}/src`,
    projectType: p.type === 'app' || p.type === 'e2e' ? 'application' : 'library',
    tags: [`scope:${p.scope}`, `type:${p.type}`],
    targets,
  };
  fs.writeFileSync(path.join(dir, 'project.json'), JSON.stringify(projectJson, null, 2) + '\n');
  if (p.alias) {
    paths[p.alias] = [`${p.root}/src/index.ts`];
    const index = path.join(dir, 'src/index.ts');
    if (!fs.existsSync(index)) fs.writeFileSync(index, 'export {};\n');
  }
}
tsconfig.compilerOptions.paths = paths;
fs.writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2) + '\n');
console.log(`synced ${projects.length} projects`);
