import type { ClaimStatus, ClaimView } from '../../entity/claim/claim.state.js';

export type { ClaimView };

/** The inbox of one attestor: claims they may decide, with a status, a page of them. */
export interface ClaimInboxQuery {
  /** Token roles of the attestor: a claim is listed when one of its attestor roles is among them. */
  readonly roles: readonly string[];
  /** The attestor's user id: their own claims are never listed (nobody decides their own). */
  readonly attestor: string;
  /**
   * Attestor entity types the attestor owns entities of, and those entities' ids: a claim of such a
   * type is listed when it names one of them, or names none (any owner may decide).
   */
  readonly attestorEntityTypes?: readonly string[];
  readonly attestorEntities?: readonly string[];
  readonly status?: ClaimStatus;
  /** 1–100. */
  readonly limit: number;
  readonly offset: number;
}

export interface ClaimPage {
  readonly totalCount: number;
  readonly items: readonly ClaimView[];
}

/** The `claim_list` read model (eventually consistent). */
export interface ClaimReadModelPort {
  inbox(query: ClaimInboxQuery): Promise<ClaimPage>;
  /** The attestor entity types of claims (what an inbox must resolve the reader's entities of). */
  attestorEntityTypes(): Promise<string[]>;
}

export const CLAIM_READ_MODEL = Symbol('ClaimReadModelPort');
