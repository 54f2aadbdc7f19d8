import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Row of the `user_list` read model (TypeORM record; the aggregate lives in the event store).
 * `seq` orders the list by registration and backs keyset pagination. No credentials here.
 */
@Entity({ name: 'user_list' })
export class UserRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bigint', { unique: true })
  seq!: string;

  @Column('text')
  email!: string;

  @Column('text', { name: 'display_name' })
  displayName!: string;

  @Column('text', { array: true })
  roles!: string[];

  @Column('integer')
  version!: number;

  @Column('boolean', { default: false })
  disabled!: boolean;

  @Column('boolean', { name: 'email_verified', default: false })
  emailVerified!: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
