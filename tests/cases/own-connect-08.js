// a function of the same file reached through an object
// expect: leak line 7 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
const db = { connect: () => pool.connect() };
async function f() {
  const c = await db.connect();
  await c.query('x');
}
