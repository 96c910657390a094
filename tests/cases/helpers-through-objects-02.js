// expect: clean
const pool = require('./cjs');
const h = require('./objhelpers');
async function f() {
  const c = await pool.connect();
  try {
    await c.query('x');
  } finally {
    h.releaseAll(c);
  }
}
