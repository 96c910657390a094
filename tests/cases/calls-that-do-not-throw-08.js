// passing the built-in as an argument does not rebind it
// expect: leak line 6
import { Pool } from 'pg';
const pool = new Pool();
async function f(xs) {
  const c = await pool.connect();
  const m = Number(xs.length);
  use(String);
}
async function g(xs) {
  const c = await pool.connect();
  const m = Number(xs.length);
  try {
    await c.query('x', [m]);
  } finally {
    c.release();
  }
}
