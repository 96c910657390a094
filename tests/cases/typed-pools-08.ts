// an inner untyped parameter shadows the typed outer one
// expect: clean
import { Pool } from 'pg';

export function f(db: Pool) {
  return async (db) => {
    const c = await db.connect();
    await c.foo();
  };
}
