// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function f() {
  return pool.connect().then(async (c) => {
    try {
      await c.query('x');
    } finally {
      c.release();
    }
  });
}
