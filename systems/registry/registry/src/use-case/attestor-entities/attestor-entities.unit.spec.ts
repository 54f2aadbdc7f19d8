import { describe, expect, it } from 'vitest';
import { contentAt } from './attestor-entities.js';

describe('contentAt: the entity content of a body at its content pointer', () => {
  it("finds the content of a wrapper whose name holds '/' or '~' (the pointer is RFC 6901-escaped: /Vet~1Clinic, /Pet~0Shop)", () => {
    const clinic = { name: 'Paws' };
    expect(contentAt({ 'Vet/Clinic': clinic }, '/Vet~1Clinic')).toBe(clinic);
    expect(contentAt({ 'Pet~Shop': clinic }, '/Pet~0Shop')).toBe(clinic);
    expect(contentAt({ Vet: { Clinic: clinic } }, '/Vet~1Clinic')).toBeUndefined();
  });

  it("gives the whole body for '' and undefined when the content is missing or not an object", () => {
    const body = { Student: { name: 'Ada' } };
    expect(contentAt(body, '')).toBe(body);
    expect(contentAt(body, '/Teacher')).toBeUndefined();
    expect(contentAt({ Student: ['x'] }, '/Student/0')).toBeUndefined();
  });
});
