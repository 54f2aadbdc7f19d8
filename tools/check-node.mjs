// Fails fast when npm scripts are not running on the project's Node 24 (brought by the `node` devDependency).
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(`Archipelago needs Node 24 LTS; this is ${process.version}. Run 'npm ci' so node_modules/.bin/node (v24) is used by npm scripts.`);
  process.exit(1);
}
