import { describe, expect, it } from 'vitest';
import { canonicalTitle, definitionIdOf, isDefinitionId } from './definition-id.js';

describe('definitionIdOf (Daksha-RC generate_id_from_title)', () => {
  it.each([
    // Vectors from Daksha-RC's own tests (definitions_domain.rs) and TOOLING-NOTES.md.
    ['Student', '1bd23c91-3379-b65b-11cc-64984050e35c'],
    ['test_title', 'edddcff8-4970-283f-7ab1-9b925d059b69'],
    ['Teacher', 'e757aa6e-d39a-2db7-6345-473ddd8aadb2'],
    ['Consultant', '8568a0b3-8900-e4d2-6e72-e3ad5792288e'],
    ['Client', 'fa0f1791-8ddc-5934-fc00-2aff27a84ddf'],
    ['Café du Monde', '08862561-19f7-6695-877f-e117e363c749'],
  ])('given the title %j, it derives %s', (title, id) => {
    expect(definitionIdOf(title)).toBe(id);
  });

  it('gives one id for a title in any case, surrounding white space or Unicode normalisation form', () => {
    const composed = 'Caf\u00e9 du Monde';
    const decomposed = 'Cafe\u0301 du Monde';
    expect(composed).not.toBe(decomposed);
    expect(definitionIdOf(decomposed)).toBe(definitionIdOf(composed));
    expect(definitionIdOf('  student\t')).toBe(definitionIdOf('Student'));
    expect(definitionIdOf('STUDENT')).toBe('1bd23c91-3379-b65b-11cc-64984050e35c');
  });

  it('upper-cases with full case mapping, as Rust does (ß → SS)', () => {
    expect(canonicalTitle('Straße')).toBe('STRASSE');
    expect(definitionIdOf('Straße')).toBe(definitionIdOf('STRASSE'));
  });

  it('gives different titles different ids', () => {
    expect(definitionIdOf('Student')).not.toBe(definitionIdOf('Students'));
  });
});

describe('isDefinitionId', () => {
  it('accepts every 8-4-4-4-12 hex string, including ids that are not RFC 4122 UUIDs', () => {
    // Daksha's ids have arbitrary version/variant nibbles ("b65b", "11cc"): a UUID validator rejects them.
    expect(isDefinitionId('1bd23c91-3379-b65b-11cc-64984050e35c')).toBe(true);
    expect(isDefinitionId('1BD23C91-3379-B65B-11CC-64984050E35C')).toBe(true);
    expect(isDefinitionId('0190f3e0-8a4b-7c3d-9e2f-0123456789ab')).toBe(true);
  });

  it('rejects anything else', () => {
    for (const value of [
      '',
      'Student',
      '1bd23c9133-79b65b-11cc-64984050e35c',
      '1bd23c91-3379-b65b-11cc-64984050e35',
      '1bd23c91-3379-b65b-11cc-64984050e35g',
      ' 1bd23c91-3379-b65b-11cc-64984050e35c',
      42,
    ]) {
      expect(isDefinitionId(value)).toBe(false);
    }
  });
});
