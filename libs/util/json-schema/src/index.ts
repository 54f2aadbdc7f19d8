export {
  dialectOf,
  escapePointer,
  JsonSchemaCompiler,
  type CompiledJsonSchema,
  type JsonSchemaCompileOptions,
  type JsonSchemaCompileResult,
  type JsonSchemaCompilerOptions,
  type JsonSchemaDialect,
  type JsonSchemaIssue,
} from './json-schema.js';
