import type { Admin } from 'kafkajs';

/** Per-partition end offsets (`admin.fetchTopicOffsets`) and a group's commits (`admin.fetchOffsets`). */
export interface PartitionOffsets {
  readonly ends: ReadonlyArray<{ partition: number; high: string; low: string }>;
  readonly committed: ReadonlyArray<{ partition: number; offset: string }>;
}

/**
 * Messages a consumer group still has to read from one topic: the sum over its partitions of the
 * log end offset (`high`) minus the group's committed offset, or minus the earliest retained
 * offset (`low`) where the group has committed nothing (`-1`). Never negative.
 */
export function topicLag({ ends, committed }: PartitionOffsets): number {
  let lag = 0n;
  for (const end of ends) {
    const done = BigInt(committed.find((c) => c.partition === end.partition)?.offset ?? '-1');
    const from = done < 0n ? BigInt(end.low) : done;
    const behind = BigInt(end.high) - from;
    if (behind > 0n) lag += behind;
  }
  return Number(lag);
}

/**
 * Consumer lag of group `group` on each of `topics`, read from the broker with a connected kafkajs
 * admin client (one `fetchOffsets` for the group, one `fetchTopicOffsets` per topic). `source` is
 * the topic. Rejects with kafkajs' error when the broker cannot answer.
 */
export async function kafkaGroupLag(
  admin: Admin,
  group: string,
  topics: readonly string[],
): Promise<Array<{ group: string; source: string; messages: number }>> {
  const committed = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
  return Promise.all(
    topics.map(async (topic) => ({
      group,
      source: topic,
      messages: topicLag({
        ends: await admin.fetchTopicOffsets(topic),
        committed: committed.find((c) => c.topic === topic)?.partitions ?? [],
      }),
    })),
  );
}
