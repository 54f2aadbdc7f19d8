import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TaskFields } from '../entity/task/task.model.js';

/**
 * Row of the `task_list` read model (TypeORM record; the aggregate lives in the event store). `seq`
 * (the position of the TaskCreated event) orders the list and backs keyset pagination; the columns
 * filtered on are copied out of `fields`.
 */
@Entity({ name: 'task_list' })
export class TaskRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('bigint', { unique: true })
  seq!: string;

  @Column('text', { name: 'workspace_id' })
  workspaceId!: string;

  @Column('text')
  status!: string;

  @Column('integer')
  priority!: number;

  @Column('text', { array: true })
  tags!: string[];

  @Column('text', { name: 'parent_id', nullable: true })
  parentId!: string | null;

  @Column('jsonb')
  fields!: TaskFields;

  @Column('integer')
  version!: number;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
