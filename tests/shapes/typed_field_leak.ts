// A repository class whose pool is injected: the field's declared type,
// pg's Pool, proves the receiver although the client only runs `copyFrom`.
import { Pool } from 'pg';

export class EventStore {
  constructor(private readonly pool: Pool) {}

  async importRows(stream: NodeJS.ReadableStream): Promise<void> {
    const client = await this.pool.connect();
    await client.copyFrom(stream);
  }
}
