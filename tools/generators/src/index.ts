// Nx local plugin @archipelago/tools (tools/generators/generators.json): `nx g @archipelago/tools:system`
// and `nx g @archipelago/tools:service`. Loaded by Nx through Node's type stripping: relative
// imports name their `.ts` files.
export { systemGenerator, type SystemGeneratorOptions } from './system.generator.ts';
export { serviceGenerator, type ServiceGeneratorOptions } from './service.generator.ts';
