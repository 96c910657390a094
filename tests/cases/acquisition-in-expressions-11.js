// expect: leak line 5 kind never-released via return exit 7
import { Pool } from 'pg';
const pool = new Pool();
async function f(q, own) {
  const c = own ? await q.connect() : q;
  try {
    return await c.query('x');
  } finally {
    if (!own) c.release();
  }
}
