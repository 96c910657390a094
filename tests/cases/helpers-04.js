// expect: clean
import { pool } from './db.js';
import { done, prep } from './helpers.js';
async function f() {
  const c = await pool.connect();
  try {
    await prep(c);
  } finally {
    done(c);
  }
}
