// A pool made by a factory: the variable's type annotation proves it.
import type { Pool } from 'pg';
import { makePool } from './factory';

const db: Pool = makePool();

export async function lockTable(): Promise<void> {
  const conn = await db.connect();
  await conn.lock('events');
}
