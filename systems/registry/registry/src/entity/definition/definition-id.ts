import { blake3 } from '@archipelago/util-blake3';

/**
 * A definition id: 32 hex digits grouped 8-4-4-4-12, any case. Deliberately not an RFC 4122 / 9562
 * UUID check: ids derived from titles ({@link definitionIdOf}) carry arbitrary version and variant
 * nibbles (`Student` → `1bd23c91-3379-b65b-11cc-…`), which `uuid.validate()` and zod's `.uuid()` reject.
 */
export const DEFINITION_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether `value` is a definition id (see {@link DEFINITION_ID_PATTERN}). */
export function isDefinitionId(value: unknown): value is string {
  return typeof value === 'string' && DEFINITION_ID_PATTERN.test(value);
}

/**
 * The canonical form of a title, which two titles share exactly when they name the same type:
 * trimmed (Unicode white space), Unicode NFC, upper-cased with JavaScript's full case mapping
 * (`ß` → `SS`, as Rust's `str::to_uppercase`).
 */
export function canonicalTitle(title: string): string {
  return title.trim().normalize('NFC').toUpperCase();
}

/**
 * The id of the definition whose title is `title`, derived exactly as Daksha-RC's
 * `generate_id_from_title`: BLAKE3 of the UTF-8 bytes of {@link canonicalTitle}, the first 16 bytes
 * written as a UUID (8-4-4-4-12 lower-case hex). So a title names one definition in any case or
 * normalisation form, and the id is known before anything is stored (the 409 on a duplicate title
 * is a stream-exists check).
 * @example definitionIdOf('Student') === '1bd23c91-3379-b65b-11cc-64984050e35c'
 */
export function definitionIdOf(title: string): string {
  const hex = Array.from(blake3(canonicalTitle(title), 16), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
