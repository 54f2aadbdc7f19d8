// Adds `@archipelago/<name>` path aliases to tsconfig.base.json. usage: node tools/add-alias.cjs <alias> <path-from-root> [...]
const fs=require('fs'); const f=require('path').join(__dirname,'..','tsconfig.base.json'); const t=JSON.parse(fs.readFileSync(f,'utf8'));
for (let i=2;i<process.argv.length;i+=2) t.compilerOptions.paths[process.argv[i]]=['./'+process.argv[i+1]];
fs.writeFileSync(f, JSON.stringify(t,null,2)+'\n');
