// a helper is the function its name is bound to where it is called
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function outer() {
  function done(c) {}
  return done;
}
function done(c) {
  c.release();
}
async function f() {
  const c = await pool.connect();
  try {
    await c.query('x');
  } finally {
    done(c);
  }
}
