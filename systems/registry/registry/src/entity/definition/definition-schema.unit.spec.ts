import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkDefinitionDocument,
  compileEntitySchema,
  osConfigOf,
  validateDefinitionSchema,
  type DefinitionDocument,
} from './definition-schema.js';
import { definitionShape, parseFieldPath } from './os-config.js';

const fixtures = new URL('../../../test/fixtures/daksha-rc/', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, fixtures), 'utf8');
const fixture = (path: string) => JSON.parse(text(path)) as DefinitionDocument;
const common = fixture('definitions-cli/Common.json');

describe("Daksha-RC's example schemas", () => {
  it.each([
    'definitions-core/BirthCertificate_Schema.json',
    'definitions-core/Institute_Schema.json',
    'definitions-core/TeacherCertificate_Schema.json',
    'definitions-core/common.json',
    'definitions-cli/Institute.json',
    'definitions-cli/Teacher.json',
    'definitions-cli/Common.json',
    'rc-web/Teacher_Schema.json',
    'rc-web/client_schema.json',
    'rc-web/consultant_schema.json',
    'rc-web/insurance_official_schema.json',
  ])('given %s unchanged, it is a definition and validates with no problem', (path) => {
    const document = fixture(path);
    expect(checkDefinitionDocument(document)).toEqual({ ok: true, title: document['title'] });
    expect(validateDefinitionSchema(document, { Common: common })).toEqual([]);
  });

  it.each([
    'definitions-core/Student_Schema.json',
    'definitions-core/Teacher_Schema.json',
    'definitions-cli/Student.json',
    'rc-web/Student_Schema.json',
    'rc-web/Insurance_schema.json',
  ])('given %s unchanged, it is accepted as a definition (create), whatever validation finds', (path) => {
    expect(checkDefinitionDocument(fixture(path)).ok).toBe(true);
  });

  it("finds the _osConfig paths of Daksha's Student that name nothing (Daksha validated only the title)", () => {
    // identityType / identityValue are not in the schema (it has identityHolder.type / .value) and no
    // studentName exists: Daksha would have "encrypted" and indexed fields that are never there.
    expect(validateDefinitionSchema(fixture('definitions-core/Student_Schema.json'))).toEqual([
      {
        pointer: '/_osConfig/privateFields/1',
        message: '"$.identityDetails.identityType" names no property of the entity',
      },
      {
        pointer: '/_osConfig/privateFields/2',
        message: '"$.identityDetails.identityValue" names no property of the entity',
      },
      { pointer: '/_osConfig/indexFields/0', message: '"studentName" names no property of the entity' },
      { pointer: '/_osConfig/uniqueIndexFields/0', message: '"identityValue" names no property of the entity' },
    ]);
  });

  it('resolves a Sunbird RC cross-document $ref ("Common.json/#/…") only when that definition is given', () => {
    const teacher = fixture('definitions-cli/Teacher.json');
    expect(validateDefinitionSchema(teacher, { Common: common })).toEqual([]);
    // Only the missing reference: the paths behind it cannot be checked, so they are not listed one by one.
    expect(validateDefinitionSchema(teacher)).toEqual([
      { pointer: '', message: '$ref to "Common.json" names no known schema' },
    ]);
  });

  it('refuses an unknown format as a mistake (Insurance writes format "firstName")', () => {
    expect(validateDefinitionSchema(fixture('rc-web/Insurance_schema.json'))).toEqual([
      { pointer: '', message: expect.stringContaining('unknown format "firstName"') },
    ]);
  });

  it('finds an unresolvable $ref (not_a_schema.json)', () => {
    expect(validateDefinitionSchema(fixture('definitions-core/not_a_schema.json'))).toEqual([
      { pointer: '', message: expect.stringContaining("can't resolve reference #/definitions/Student") },
    ]);
  });

  it('validates entity bodies in the wrapped form Daksha stores them (student1.json)', () => {
    const schema = compileEntitySchema(fixture('definitions-core/Student_Schema.json'));
    expect(schema.validate(fixture('definitions-core/student1.record.json'))).toEqual([]);
    expect(schema.validate({ Student: { identityDetails: { gender: 'Robot' } } }).map((i) => i.pointer)).toEqual([
      '/Student/identityDetails/gender',
    ]);
  });
});

describe('checkDefinitionDocument (the 400s of create_def)', () => {
  it('refuses a body without a usable title (not_title.json, empty, blank, not a string)', () => {
    expect(checkDefinitionDocument(fixture('definitions-core/not_title.json'))).toEqual({
      ok: false,
      problems: [{ pointer: '/title', message: 'is missing' }],
    });
    for (const title of ['', '   ', 42, null]) {
      expect(checkDefinitionDocument({ title, type: 'object' })).toEqual({
        ok: false,
        problems: [{ pointer: '/title', message: 'must be a non-empty string' }],
      });
    }
  });

  it('refuses what is not a JSON object or not a JSON Schema', () => {
    expect(checkDefinitionDocument(['Student']).ok).toBe(false);
    expect(checkDefinitionDocument('Student').ok).toBe(false);
    expect(checkDefinitionDocument({ title: 'X', type: 'objekt' })).toMatchObject({ ok: false });
    expect(checkDefinitionDocument({ title: 'X', $schema: 'http://json-schema.org/draft-04/schema#' })).toMatchObject({
      ok: false,
    });
  });

  it('trims the title', () => {
    expect(checkDefinitionDocument({ title: '  Student ' })).toEqual({ ok: true, title: 'Student' });
  });
});

describe('_osConfig', () => {
  it('reads the Sunbird RC vocabulary, splitting composite index entries', () => {
    const config = osConfigOf({
      title: 'T',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      _osConfig: {
        privateFields: ['$.a'],
        indexFields: ['(a, b)', 'b'],
        roles: ['admin'],
        inviteRoles: ['anonymous'],
        ownershipAttributes: [{ email: '/a', userId: '/a' }],
        osComment: ['kept, not interpreted'],
      },
    });
    expect(config).toMatchObject({
      privateFields: ['$.a'],
      internalFields: [],
      indexFields: [['a', 'b'], ['b']],
      roles: ['admin'],
      inviteRoles: ['anonymous'],
      ownershipAttributes: [{ email: '/a', userId: '/a' }],
      extensions: { osComment: ['kept, not interpreted'] },
    });
  });

  it('lists every shape problem and every path that names nothing, by JSON Pointer into the definition', () => {
    const problems = validateDefinitionSchema({
      title: 'T',
      type: 'object',
      properties: {
        name: { type: 'string' },
        contact: { type: 'object', properties: { email: { type: 'string' } } },
        tags: { type: 'array', items: { type: 'object', properties: { label: { type: 'string' } } } },
      },
      _osConfig: {
        privateFields: ['$.contact.email', '$.contact.phone', '$.tags[*].label', '$.tags[?(@.x)]'],
        internalFields: 'name',
        uniqueIndexFields: ['(name, contact.email)', '(name, nickname)'],
        ownershipAttributes: [{ email: '/contact/email' }, { email: '/contact/mail' }, { phone: '/x' }],
        roles: [1],
      },
    });
    expect(problems).toEqual([
      { pointer: '/_osConfig/ownershipAttributes/2', message: expect.stringContaining('email, mobile and/or userId') },
      { pointer: '/_osConfig/internalFields', message: 'must be an array of non-empty strings' },
      { pointer: '/_osConfig/roles', message: 'must be an array of non-empty strings' },
      { pointer: '/_osConfig/privateFields/1', message: '"$.contact.phone" names no property of the entity' },
      { pointer: '/_osConfig/privateFields/3', message: expect.stringContaining('is not a supported path') },
      { pointer: '/_osConfig/uniqueIndexFields/1', message: '"nickname" names no property of the entity' },
      { pointer: '/_osConfig/ownershipAttributes/1/email', message: '"/contact/mail" names no property of the entity' },
    ]);
  });

  it('resolves paths through $ref, allOf/anyOf/oneOf and array items, and in 2020-12 $defs', () => {
    const shape = definitionShape({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { Address: { type: 'object', properties: { city: { type: 'string' } } } },
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/Address' },
        past: { type: 'array', items: { $ref: '#/$defs/Address' } },
        either: { anyOf: [{ properties: { x: {} } }, { allOf: [{ properties: { y: {} } }] }] },
      },
    });
    expect(shape.contentPointer).toBe('');
    for (const path of ['$.home.city', '$.past[*].city', '$.past.city', '/either/x', 'either.y']) {
      expect(shape.hasPath(parseFieldPath(path)!), path).toBe(true);
    }
    for (const path of ['$.home.street', '$.either.z', '$.nothing']) {
      expect(shape.hasPath(parseFieldPath(path)!), path).toBe(false);
    }
  });

  it('takes paths relative to the entity inside a Sunbird RC wrapper schema ({ Student: { $ref } })', () => {
    const shape = definitionShape(fixture('definitions-core/Student_Schema.json'));
    expect(shape.contentPointer).toBe('/Student');
    expect(shape.hasPath(parseFieldPath('$.identityDetails.identityHolder.type')!)).toBe(true);
    expect(shape.hasPath(parseFieldPath('$.Student.identityDetails')!)).toBe(false);
  });

  it('parses the path syntaxes Sunbird RC schemas use, and nothing else', () => {
    expect(parseFieldPath('$.a.b')).toEqual(['a', 'b']);
    expect(parseFieldPath("$['a b'].c")).toEqual(['a b', 'c']);
    expect(parseFieldPath('$.a[*].b')).toEqual(['a', '*', 'b']);
    expect(parseFieldPath('/a~1b/c~0')).toEqual(['a/b', 'c~']);
    expect(parseFieldPath('a.b')).toEqual(['a', 'b']);
    expect(parseFieldPath('$..a')).toBeUndefined();
    expect(parseFieldPath("$.a[?(@.b == 'x')]")).toBeUndefined();
    expect(parseFieldPath('$')).toBeUndefined();
  });
});
