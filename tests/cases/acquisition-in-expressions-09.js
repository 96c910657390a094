// the twins: the guard the wrong way round, or a throw before the try
// expect: leak line 6 kind never-released via return exit 8
import { Pool } from 'pg';
const pool = new Pool();
async function f(held) {
  const c = held ? held : await pool.connect();
  try {
    return await c.query('x');
  } finally {
    if (held) c.release();
  }
}
