// Writes <root>/project.json with Nx tags. usage: node tools/new-project.cjs <root> <name> <tag,tag>
const fs=require('fs'); const path=require('path');
const [root,name,tags]=process.argv.slice(2);
const f=path.join(require('path').join(__dirname,'..'),root,'project.json');
const rel=path.relative(path.join(require('path').join(__dirname,'..'),root),require('path').join(__dirname,'..'));
const p={ name, $schema: rel+'/node_modules/nx/schemas/project-schema.json', sourceRoot: root+'/src', projectType: root.startsWith('apps')||/systems\/[^/]+\/[^/]+$/.test(root)&&!root.endsWith('contracts')?'application':'library', tags: tags.split(','), targets: { build: {}, lint: {}, test: {}, 'test-int': {}, e2e: {} } };
fs.mkdirSync(path.dirname(f),{recursive:true}); fs.writeFileSync(f, JSON.stringify(p,null,2)+'\n');
