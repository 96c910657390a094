// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(o) {
  const c = await (o.client !== undefined ? o.client : pool.connect());
  try {
    return await c.query('x');
  } finally {
    if (o.client === undefined) c.release();
  }
}
