// nested finally: both levels
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  try {
    try {
      return 1;
    } finally {
      await g();
    }
  } finally {
    c.release();
  }
}
