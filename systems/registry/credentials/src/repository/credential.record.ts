import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of the `credential` table (TypeORM record): an issued credential and its status entry. */
@Entity({ name: 'credential' })
export class CredentialRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bigint', { unique: true })
  seq!: string;

  @Column('text', { name: 'entity_type' })
  entityType!: string;

  @Column('uuid', { name: 'entity_id' })
  entityId!: string;

  @Column('text', { nullable: true })
  holder!: string | null;

  @Column('text', { array: true })
  types!: string[];

  @Column('integer', { name: 'status_list' })
  statusList!: number;

  @Column('integer', { name: 'status_index' })
  statusIndex!: number;

  @Column('integer', { name: 'suspension_list', nullable: true })
  suspensionList!: number | null;

  @Column('integer', { name: 'suspension_index', nullable: true })
  suspensionIndex!: number | null;

  @Column('text')
  jwt!: string;

  @Column('text')
  cause!: 'on-demand' | 'attestation';

  @Column('uuid', { name: 'claim_id', nullable: true })
  claimId!: string | null;

  @Column('timestamptz', { name: 'issued_at' })
  issuedAt!: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  @Column('timestamptz', { name: 'suspended_at', nullable: true })
  suspendedAt!: Date | null;
}
