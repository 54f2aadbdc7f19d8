import { describe, expect, it } from 'vitest';
import {
  parseAttestorCondition,
  requesterValuesOf,
  satisfiesCondition,
  type AttestorCondition,
} from './attestor-condition.js';

const parsed = (text: string): AttestorCondition => {
  const c = parseAttestorCondition(text);
  if ('problem' in c) throw new Error(c.problem);
  return c;
};
const holds = (
  text: string,
  attestor: { id: string; content: unknown },
  requester: { id: string; content: unknown },
) => {
  const c = parsed(text);
  return satisfiesCondition(c, attestor, requesterValuesOf(c, requester));
};

const institute = { id: 'inst-1', content: { name: 'GHS', boards: ['cbse', 'state'], code: 'GHS-7' } };
const teacher = {
  id: 'teacher-1',
  content: {
    instituteOSID: 'inst-1',
    board: 'cbse',
    code: 'GHS-7',
    experience: [{ instituteOSID: 'inst-9' }, { instituteOSID: 'inst-1' }],
  },
};

describe('attestor conditions (Sunbird RC notation)', () => {
  it("reads Sunbird RC's osid condition: the attestor entity's id must be the requester's reference", () => {
    expect(parsed('(ATTESTOR#$.osid#.contains(REQUESTER#$.instituteOSID#))')).toEqual({
      comparisons: [{ attestor: ['osid'], op: 'contains', requester: ['instituteOSID'] }],
    });
    expect(holds('(ATTESTOR#$.osid#.contains(REQUESTER#$.instituteOSID#))', institute, teacher)).toBe(true);
    expect(
      holds('(ATTESTOR#$.osid#.contains(REQUESTER#$.instituteOSID#))', { ...institute, id: 'inst-2' }, teacher),
    ).toBe(false);
  });

  it('compares arrays (contains), equality, and every item of an array on either side (`.*`, `.[*]`)', () => {
    expect(holds('ATTESTOR#$.boards#.contains(REQUESTER#$.board#)', institute, teacher)).toBe(true);
    expect(holds('ATTESTOR#$.code# == REQUESTER#$.code#', institute, teacher)).toBe(true);
    expect(holds('ATTESTOR#$.code#.equals(REQUESTER#$.board#)', institute, teacher)).toBe(false);
    expect(holds('(ATTESTOR#$.osid#.contains(REQUESTER#$.experience.*.instituteOSID#))', institute, teacher)).toBe(
      true,
    );
    expect(holds('(ATTESTOR#$.osid#.contains(REQUESTER#$.experience.[*].instituteOSID#))', institute, teacher)).toBe(
      true,
    );
  });

  it('needs every comparison joined by && to hold', () => {
    const both = '(ATTESTOR#$.osid#.contains(REQUESTER#$.instituteOSID#)) && (ATTESTOR#$.code# == REQUESTER#$.code#)';
    expect(parsed(both).comparisons).toHaveLength(2);
    expect(holds(both, institute, teacher)).toBe(true);
    expect(holds(both, institute, { ...teacher, content: { ...teacher.content, code: 'OTHER' } })).toBe(false);
  });

  it('a missing field on either side never matches (nothing attests by absence)', () => {
    expect(holds('ATTESTOR#$.code# == REQUESTER#$.missing#', institute, teacher)).toBe(false);
    expect(holds('ATTESTOR#$.missing# == REQUESTER#$.code#', institute, teacher)).toBe(false);
  });

  it('does not read literals, JSONPath filters or other methods: enforcement fails closed', () => {
    for (const text of [
      "(ATTESTOR#$.Gender#.equalsIgnoreCase('male'))",
      "(ATTESTOR#$.[*]#.contains('board-cbse'))",
      "ATTESTOR#$.experience[?(@.instituteOSID == REQUESTER#$.instituteOSID#)]['_osState']#.contains('PUBLISHED')",
      'T(java.lang.Runtime).getRuntime().exec("x")',
    ]) {
      expect(parseAttestorCondition(text)).toHaveProperty('problem');
    }
  });
});
