// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
const db = { connect: () => pool.connect() };
async function f() {
  const c = await db.connect();
  try {
    await c.query('x');
  } finally {
    c.release();
  }
}
