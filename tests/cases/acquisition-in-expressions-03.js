// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(q, own) {
  const c = own ? await q.connect() : q;
  try {
    return await c.query('x');
  } finally {
    if (own) c.release();
  }
}
