// the safe twin
// expect: clean
import { Pool } from 'pg';

export async function f(db: Pool) {
  const c = await db.connect();
  try {
    await c.foo();
  } finally {
    c.release();
  }
}
