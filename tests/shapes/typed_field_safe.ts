// The same store, releasing in finally.
import { Pool } from 'pg';

export class EventStore {
  constructor(private readonly pool: Pool) {}

  async importRows(stream: NodeJS.ReadableStream): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.copyFrom(stream);
    } finally {
      client.release();
    }
  }
}
