import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Row of the `credentials_item_list` read model (TypeORM record; the aggregate lives in the event
 * store). `seq` orders the list by creation and backs keyset pagination.
 */
@Entity({ name: 'credentials_item_list' })
export class CredentialsItemRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bigint', { unique: true })
  seq!: string;

  @Column('text')
  name!: string;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
