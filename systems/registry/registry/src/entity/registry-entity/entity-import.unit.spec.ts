import { describe, expect, it } from 'vitest';
import { cellValue, csvRowToBody, headerProblems } from './entity-import.js';

// A Sunbird RC-style schema: the entity's shape behind a local $ref, nested objects, arrays.
const schema = {
  title: 'Student',
  $ref: '#/definitions/Student',
  definitions: {
    Student: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer' },
        gpa: { type: ['number', 'null'] },
        enrolled: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        address: { $ref: '#/definitions/Address' },
        zip: { type: 'string' },
      },
    },
    Address: { type: 'object', properties: { city: { type: 'string' }, floor: { type: 'integer' } } },
  },
};

describe('CSV rows to entity bodies', () => {
  it('types each cell by the schema at its dotted path, following local $refs', () => {
    const header = ['name', 'age', 'gpa', 'enrolled', 'tags', 'address.city', 'address.floor', 'zip'];
    expect(csvRowToBody(header, ['Asha', '21', '3.5', 'TRUE', '["a","b"]', 'Pune', '-2', '00123'], schema)).toEqual({
      body: {
        name: 'Asha',
        age: 21,
        gpa: 3.5,
        enrolled: true,
        tags: ['a', 'b'],
        address: { city: 'Pune', floor: -2 },
        zip: '00123', // a string field keeps its leading zeros
      },
    });
  });

  it('leaves empty cells out, and keeps cells that do not read as their type as strings for the validator', () => {
    expect(csvRowToBody(['name', 'age', 'enrolled', 'tags'], ['', '21 years', 'yes', '[oops'], schema)).toEqual({
      body: { age: '21 years', enrolled: 'yes', tags: '[oops' },
    });
    expect(csvRowToBody(['name', 'unknown'], ['Asha'], schema)).toEqual({ body: { name: 'Asha' } });
  });

  it('refuses a row with more cells than the header names', () => {
    expect(csvRowToBody(['name'], ['Asha', 'extra'], schema)).toEqual({
      issues: [{ pointer: '', message: 'the row has 2 cells; the header names 1 columns' }],
    });
  });

  it('reads numbers strictly (no hex, no blanks, no leading zeros) and booleans in any case', () => {
    expect(cellValue('0x1f', 'integer')).toBe('0x1f');
    expect(cellValue('', 'number')).toBe('');
    expect(cellValue('007', 'integer')).toBe('007');
    expect(cellValue(' 1e3 ', 'number')).toBe(1000);
    expect(cellValue('False', 'boolean')).toBe(false);
    expect(cellValue('{"a":1}', 'object')).toEqual({ a: 1 });
    expect(cellValue('42', undefined)).toBe('42');
  });

  it('names header problems: blank, repeated, and a column that is both a value and an object', () => {
    expect(headerProblems(['name', 'age'])).toEqual([]);
    expect(headerProblems(['name', '', 'a..b', 'name', 'address', 'address.city'])).toEqual([
      'column 2 has no field name',
      'column 3 has no field name',
      'column "name" appears twice',
      'column "address" is both a value and an object (another column names "address.…")',
    ]);
  });
});
